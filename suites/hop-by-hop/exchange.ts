// One request through the target, seen from either end: the helpers every
// hop-by-hop case uses, so each case file only says what it sends and checks.
// Bytes forwarded are the verdict: the client side is read first (a refusal
// comes back at once), then the origin is looked at before anything is called
// a timeout, so a target that forwarded a request and then went quiet is
// graded on what it forwarded, and one that refused is never "no answer".
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { endCase, observed, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginBehaviour, OriginRequest } from '../../harness/origin/types.js'
import { fieldValues } from '../../harness/wire/fields.js'
import type { HeaderField, HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { originRequest, statusLine, type OriginRequestSpec } from '../support/request.js'
import { originSide, provenance } from '../support/provenance.js'

/** One exchange seen from both ends: what the client read, and what reached the origin. */
export interface BothEnds {
  readonly answer: ReadResponseResult
  /** The request as the origin received it; undefined when nothing was forwarded. */
  readonly request: OriginRequest | undefined
  /** How long the exchange took, both waits included. */
  readonly waitedMs: number
}

/**
 * Writes `bytes` on a fresh connection and reads the answer, then looks at the
 * origin: at once when the client has its answer or saw a close (whatever was
 * forwarded is there by then), for `originWithinMs` (default: the rest of the
 * case deadline; a case with more variants to run passes ctx.quietMs) when
 * the client heard nothing within ctx.quietMs.
 */
export async function exchangeBytes(
  ctx: CaseContext,
  bytes: Buffer,
  originWithinMs?: number,
): Promise<BothEnds> {
  const started = performance.now()
  const client = await ctx.connect()
  await client.write(bytes)
  const answer = await client.readResponse({ timeoutMs: Math.min(ctx.quietMs, ctx.remainingMs()) })
  const seen = await ctx.origin.nextRequest(answer.kind === 'timeout' ? originWithinMs : 0)
  return {
    answer,
    request: isTimeout(seen) ? undefined : seen,
    waitedMs: performance.now() - started,
  }
}

/** exchangeBytes for a request to this case's slice of the origin. */
export function exchange(
  ctx: CaseContext,
  spec: OriginRequestSpec = {},
  originWithinMs?: number,
): Promise<BothEnds> {
  return exchangeBytes(ctx, originRequest(ctx, spec), originWithinMs)
}

/** "the proxy answered 400 Bad Request itself", "closed the connection (eof) without an answer"… */
export function ownAnswer(answer: ReadResponseResult): string {
  switch (answer.kind) {
    case 'response':
      return `the proxy answered ${statusLine(answer.message)} itself`
    case 'closed':
      return `the proxy closed the connection (${answer.how}) without an answer`
    case 'timeout':
      return `the proxy said nothing for ${Math.round(answer.afterMs)} ms`
    case 'malformed':
      return `the proxy sent a malformed response (${answer.error.message})`
  }
}

// Whether the client got a refusal made by the proxy: a 4xx or 5xx, or a close
// before any byte of an answer (the suites' one definition).
export { isRefusal } from '../support/request.js'

/**
 * Sends one valid request on a fresh connection; what the origin received.
 * Nothing forwarded ends the case (endCase): a refusal or a close is INFO (the
 * rule graded is about what is forwarded, so there is nothing to grade), a
 * malformed answer violates, and only silence at both ends is a timeout.
 */
export async function requestAtOrigin(
  ctx: CaseContext,
  spec: OriginRequestSpec = {},
): Promise<OriginRequest> {
  const { answer, request, waitedMs } = await exchange(ctx, spec)
  if (request !== undefined) return request
  switch (answer.kind) {
    case 'timeout':
      return endCase(timedOut('an answer, or the request at the origin', waitedMs))
    case 'malformed':
      return endCase(
        violates(
          'a well-formed answer, or the request at the origin',
          `${ownAnswer(answer)} and forwarded nothing`,
        ),
      )
    case 'closed':
    case 'response':
      return endCase(
        observed(
          `${ownAnswer(answer)} and forwarded nothing, so there is nothing forwarded to grade`,
        ),
      )
  }
}

/**
 * Sends one request on a fresh connection with the origin answering
 * `behaviour`; the response the client read. When none came, the case ends
 * (endCase) and the evidence says whether the request ever reached the origin.
 */
export async function responseAtClient(
  ctx: CaseContext,
  behaviour: OriginBehaviour,
  spec: OriginRequestSpec = {},
): Promise<HttpMessage<ResponseHead>> {
  ctx.origin.behave(behaviour)
  const client = await ctx.connect()
  await client.write(originRequest(ctx, spec))
  const result = await client.readResponse()
  if (result.kind === 'response') return result.message
  // This exchange's own requests when the case sends several (each with its own suffix).
  const path = ctx.path(spec.suffix ?? '')
  const requests = ctx.origin
    .requests()
    .filter((r) => spec.suffix === undefined || r.message.head.target.endsWith(path))
  if (result.kind === 'timeout')
    return endCase(
      timedOut(`the response to reach the client (${originSide(requests)})`, result.afterMs),
    )
  const well = result.kind === 'malformed' ? ', well-formed' : ''
  return endCase(violates(`the response to reach the client${well}`, provenance(result, requests)))
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

// Shared with every suite (RFC 9110 §3.7: a gateway is not a proxy).
export { proxySentence } from '../support/proxy-sentence.js'
