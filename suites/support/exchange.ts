/**
 * One request through the target, seen from either end, and the case that is
 * nothing more: `exchange({ send, expectAtOrigin, expectAtClient })` sends a
 * request (raw bytes or a request spec), waits for what reached the origin
 * and what came back (within the case deadline), compares them with the
 * expectations and ends the case with the Outcome (endCase), so a
 * send-and-compare case is its data and its checks. Bytes forwarded are the
 * verdict: the client side is read first (a refusal comes back at once), then
 * the origin is looked at before anything is called a timeout.
 *
 * Three hop-by-hop cases rewritten with it, lines from `defineCase(` to its
 * closing `})` before (as first written, with `suite:` and the `'outcome' in`
 * check) and after: appends-via-to-requests 24 → 18,
 * drops-connection-listed-request-fields 38 → 37, adds-date-when-missing
 * 30 → 32. A single check shrinks most; a case whose checks each say their
 * own expectation (a Mismatch) gains little, as prettier spreads the objects.
 */
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import {
  conforms,
  endCase,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginBehaviour, OriginRequest } from '../../harness/origin/types.js'
import { fieldValues } from '../../harness/wire/fields.js'
import type { HttpMessage, RequestHead, ResponseHead } from '../../harness/wire/types.js'
import { originSide, provenance } from './provenance.js'
import { isRefusal, originRequest, statusLine, type OriginRequestSpec } from './request.js'

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
export async function bothEndsOf(
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

/** bothEndsOf for a request to this case's slice of the origin. */
export function bothEnds(
  ctx: CaseContext,
  spec: OriginRequestSpec = {},
  originWithinMs?: number,
): Promise<BothEnds> {
  return bothEndsOf(ctx, originRequest(ctx, spec), originWithinMs)
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
  const { answer, request, waitedMs } = await bothEnds(ctx, spec)
  return request ?? endCase(nothingForwarded(answer, waitedMs))
}

/** Why nothing forwarded ends a case: INFO for a refusal or close, a malformed answer violates, silence times out. */
function nothingForwarded(answer: ReadResponseResult, waitedMs: number): Outcome {
  switch (answer.kind) {
    case 'timeout':
      return timedOut('an answer, or the request at the origin', waitedMs)
    case 'malformed':
      return violates(
        'a well-formed answer, or the request at the origin',
        `${ownAnswer(answer)} and forwarded nothing`,
      )
    case 'closed':
    case 'response':
      return observed(
        `${ownAnswer(answer)} and forwarded nothing, so there is nothing forwarded to grade`,
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
  return responseAtClientOf(ctx, originRequest(ctx, spec), spec.suffix)
}

/** responseAtClient for `bytes` already made (`suffix`: this exchange's own requests). */
async function responseAtClientOf(
  ctx: CaseContext,
  bytes: Buffer,
  suffix?: string,
): Promise<HttpMessage<ResponseHead>> {
  const client = await ctx.connect()
  await client.write(bytes)
  const result = await client.readResponse()
  if (result.kind === 'response') return result.message
  // This exchange's own requests when the case sends several (each with its own suffix).
  const path = ctx.path(suffix ?? '')
  const requests = ctx.origin
    .requests()
    .filter((r) => suffix === undefined || r.message.head.target.endsWith(path))
  if (result.kind === 'timeout')
    return endCase(
      timedOut(`the response to reach the client (${originSide(requests)})`, result.afterMs),
    )
  const well = result.kind === 'malformed' ? ', well-formed' : ''
  return endCase(violates(`the response to reach the client${well}`, provenance(result, requests)))
}

/**
 * What one end must show. A function returns what is wrong (the observed
 * problem, or what was expected and observed when that differs per check) or
 * undefined; an object names the status and fields: a string is the field's
 * one value, null says the field is absent.
 */
export type Expectation<Message> =
  | ((message: Message) => string | Mismatch | undefined)
  | {
      readonly status?: number
      readonly fields?: Readonly<Record<string, string | null>>
    }

/** A failed check that says its own expectation. */
export interface Mismatch {
  readonly expected: string
  readonly observed: string
}

export interface ExchangeSpec {
  /** Raw bytes, or a request for this case's slice of the origin (originRequest). */
  readonly send: Buffer | OriginRequestSpec
  /** How the origin answers (default: its own 200). */
  readonly origin?: OriginBehaviour
  /** What the request must look like at the origin. */
  readonly expectAtOrigin?: Expectation<OriginRequest>
  /** What the response must look like at the client. */
  readonly expectAtClient?: Expectation<HttpMessage<ResponseHead>>
  /** What a pass looks like, the violation's "expected" (default: said from the expectations). */
  readonly expected?: string
  /** The harness sends something the RFCs forbid: a refusal with nothing forwarded passes. */
  readonly invalid?: boolean
}

/** What `expectation` finds wrong with `message`, whose head is `head`. */
function problemWith<M>(
  expectation: Expectation<M>,
  message: M,
  head: RequestHead | ResponseHead,
): string | Mismatch | undefined {
  if (typeof expectation === 'function') return expectation(message)
  const problems: string[] = []
  if (
    expectation.status !== undefined &&
    (!('status' in head) || head.status !== expectation.status)
  )
    problems.push('status' in head ? `status ${head.status}` : 'a request, no status')
  for (const [name, want] of Object.entries(expectation.fields ?? {})) {
    const values = fieldValues(head.headers, name)
    if (want === null ? values.length > 0 : values.length !== 1 || values[0] !== want)
      problems.push(values.length === 0 ? `no ${name}` : `${name}: ${values.join(', ')}`)
  }
  return problems.length === 0 ? undefined : problems.join('; ')
}

const mismatch = (problem: string | Mismatch, expected: string): Outcome =>
  typeof problem === 'string'
    ? violates(expected, problem)
    : violates(problem.expected, problem.observed)

/** "status 200, X-End: 1, no X-Hop" for an object expectation. */
function described<M>(expectation: Expectation<M>, where: string): string {
  if (typeof expectation === 'function') return `the expected message ${where}`
  const parts = expectation.status === undefined ? [] : [`status ${expectation.status}`]
  for (const [name, want] of Object.entries(expectation.fields ?? {}))
    parts.push(want === null ? `no ${name}` : `${name}: ${want}`)
  return `${parts.join(', ')} ${where}`
}

/**
 * Sends `spec.send` and grades both ends against the expectations: the
 * common send-and-compare case in one call. Ends the case (endCase) when
 * there is nothing to grade (no answer; nothing forwarded, which passes for
 * an `invalid` request the target refused) or an expectation fails; else
 * conforms.
 */
export async function exchange(ctx: CaseContext, spec: ExchangeSpec): Promise<Outcome> {
  if (spec.origin !== undefined) ctx.origin.behave(spec.origin)
  const bytes = Buffer.isBuffer(spec.send) ? spec.send : originRequest(ctx, spec.send)
  const suffix = Buffer.isBuffer(spec.send) ? undefined : spec.send.suffix
  let response: HttpMessage<ResponseHead> | undefined
  if (spec.expectAtOrigin !== undefined) {
    const { answer, request, waitedMs } = await bothEndsOf(ctx, bytes)
    if (request === undefined) {
      if (spec.invalid === true && isRefusal(answer))
        return conforms(`${ownAnswer(answer)} and forwarded nothing: a refusal`)
      return endCase(nothingForwarded(answer, waitedMs))
    }
    const problem = problemWith(spec.expectAtOrigin, request, request.message.head)
    if (problem !== undefined)
      endCase(mismatch(problem, spec.expected ?? described(spec.expectAtOrigin, 'at the origin')))
    if (answer.kind === 'response') response = answer.message
  }
  if (spec.expectAtClient !== undefined) {
    response ??= await responseAtClientOf(ctx, bytes, suffix)
    if (spec.invalid === true && response.head.status >= 400)
      return conforms(`${statusLine(response)}: a refusal`)
    const problem = problemWith(spec.expectAtClient, response, response.head)
    if (problem !== undefined)
      endCase(mismatch(problem, spec.expected ?? described(spec.expectAtClient, 'at the client')))
  }
  return conforms()
}
