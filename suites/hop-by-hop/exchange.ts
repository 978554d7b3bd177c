// One request through the target, seen from either end: the helpers every
// hop-by-hop case uses, so each case file only says what it sends and checks.
import type { CaseContext } from '../../harness/model/case-context.js'
import { timedOut, type Outcome } from '../../harness/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginBehaviour, OriginRequest } from '../../harness/origin/types.js'
import { fieldValues } from '../../harness/wire/fields.js'
import type { HeaderField, HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { originRequest, responseOrOutcome, type OriginRequestSpec } from '../support/request.js'

/** Sends one request on a fresh connection; what the origin received, or why nothing came. */
export async function requestAtOrigin(
  ctx: CaseContext,
  spec: OriginRequestSpec = {},
): Promise<{ readonly request: OriginRequest } | { readonly outcome: Outcome }> {
  const client = await ctx.connect()
  await client.write(originRequest(ctx, spec))
  const seen = await ctx.origin.nextRequest()
  if (isTimeout(seen)) return { outcome: timedOut('the request to reach the origin', seen.afterMs) }
  return { request: seen }
}

/** Sends one request on a fresh connection with the origin answering `behaviour`; the response the client read. */
export async function responseAtClient(
  ctx: CaseContext,
  behaviour: OriginBehaviour,
  spec: OriginRequestSpec = {},
): Promise<{ readonly message: HttpMessage<ResponseHead> } | { readonly outcome: Outcome }> {
  ctx.origin.behave(behaviour)
  const client = await ctx.connect()
  await client.write(originRequest(ctx, spec))
  return responseOrOutcome(await client.readResponse(), 'the response to reach the client')
}

/** Via members in order across every Via line (RFC 9110 §7.6.3: a comma-separated list). */
export function viaMembers(headers: readonly HeaderField[]): string[] {
  return fieldValues(headers, 'via')
    .flatMap((value) => value.split(','))
    .map((member) => member.trim().replace(/\s+/g, ' '))
    .filter((member) => member !== '')
}

/** "a, b, c" for evidence, or "(none)". */
export function listed(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.map((v) => `"${v}"`).join(', ')
}
