// Helpers of the keep-alive suite: origin timing, reading what a client
// connection did after a response (closed, and how, or still open), and
// running every variant of a multi-variant case.
import type { RawClient } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/model/case-context.js'
import { LEVELS } from '../../harness/model/level.js'
import { conforms, observed, violates, type Outcome } from '../../harness/model/outcome.js'
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

/** What one variant of a multi-variant case found (graded together by runVariants). */
export type VariantResult = Outcome

/**
 * Runs every variant, in order, whatever the ones before found, and notes each
 * in the evidence. Any violation makes the case's outcome (all violations,
 * each named); variants that could judge nothing are informational; else it
 * conforms, with every variant's note.
 */
export async function runVariants(
  ctx: CaseContext,
  variants: readonly (readonly [string, () => Promise<VariantResult>])[],
): Promise<Outcome> {
  const results: (readonly [string, VariantResult])[] = []
  for (const [name, run] of variants) {
    const result = await run()
    ctx.note(`${name}: ${describe(result)}`)
    results.push([name, result])
  }
  const failed = results.filter(([, r]) => r.kind === 'violates')
  if (failed.length > 0) {
    const expected = failed.map(([, r]) => (r.kind === 'violates' ? r.expected : ''))
    // The strongest level any violation carries (one with none is the case's own).
    const levels = failed.map(([, r]) => (r.kind === 'violates' ? r.level : undefined))
    const level = levels.includes(undefined) ? undefined : LEVELS.find((l) => levels.includes(l))
    return violates(
      [...new Set(expected)].join('; '),
      failed.map(([name, r]) => `${name}: ${r.kind === 'violates' ? r.observed : ''}`).join('; '),
      level,
    )
  }
  const timeout = results.find(([, r]) => r.kind === 'timeout')
  if (timeout !== undefined) return timeout[1]
  const summary = results.map(([name, r]) => `${name}: ${describe(r)}`).join('; ')
  if (results.every(([, r]) => r.kind === 'observed' || r.kind === 'unsupported'))
    return observed(summary)
  return conforms(summary)
}

function describe(result: VariantResult): string {
  switch (result.kind) {
    case 'conforms':
      return result.note ?? 'conforms'
    case 'violates':
      return `expected ${result.expected}; observed ${result.observed}`
    case 'observed':
      return result.observation
    case 'unsupported':
      return result.reason
    case 'timeout':
      return `no answer within ${Math.round(result.afterMs)} ms while waiting for ${result.waitingFor}`
  }
}
