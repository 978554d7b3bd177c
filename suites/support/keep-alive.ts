// Helpers of the keep-alive suite: origin timing, and reading what a client
// connection did after a response (closed, and how, or still open).
import type { RawClient } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { isTimeout, raceTimeout } from '../../harness/net/deadline.js'
import type { OriginRequest } from '../../harness/origin/types.js'
import { listTokens } from '../../harness/wire/fields.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'

/**
 * An origin-side delay (the stimulus of KA-10, "O delays response #1"), not a
 * wait for state: it resolves after `ms`, through the deadline module's timer.
 */
export async function originDelay(ms: number): Promise<void> {
  await raceTimeout('an origin-side delay', new Promise<never>(() => undefined), ms)
}

/** The case's origin requests whose target ends in `/<suffix>`. */
export function requestsTo(ctx: CaseContext, suffix: string): readonly OriginRequest[] {
  return ctx.origin.requests().filter((r) => r.message.head.target.endsWith(`/${suffix}`))
}

/** True when the response's Connection field lists `token` (case-insensitively). */
export function saysConnection(message: HttpMessage<ResponseHead>, token: string): boolean {
  return listTokens(message.head.headers, 'connection').includes(token)
}

/** How the client connection ended within `withinMs`: 'eof', 'reset', or 'open'. */
export async function closeWithin(
  client: RawClient,
  withinMs: number,
): Promise<'eof' | 'reset' | 'open'> {
  const closed = await client.waitForClose({ timeoutMs: withinMs })
  return isTimeout(closed) ? 'open' : closed.kind
}
