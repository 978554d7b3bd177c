import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { endCase, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import type { FieldLine, HttpMessage, ResponseHead } from '../../harness/wire/types.js'

export interface OriginRequestSpec {
  readonly method?: string
  /** Path below the case token: "a" → /<token>/a */
  readonly suffix?: string
  readonly version?: string
  /** Field lines after Host. */
  readonly headers?: readonly FieldLine[]
  /** Leave out the Host field (it is sent first by default). */
  readonly noHost?: boolean
  readonly body?: string | Buffer
}

/** The bytes of a request for this case's slice of the origin, in the form the role needs. */
export function originRequest(ctx: CaseContext, spec: OriginRequestSpec = {}): Buffer {
  const headers: FieldLine[] = spec.noHost === true ? [] : [['Host', ctx.originHost]]
  return requestBytes({
    method: spec.method ?? 'GET',
    target: ctx.requestTarget(ctx.path(spec.suffix ?? '')),
    version: spec.version ?? 'HTTP/1.1',
    headers: [...headers, ...(spec.headers ?? [])],
    ...(spec.body === undefined ? {} : { body: spec.body }),
  })
}

/**
 * The response read, or the case ends (endCase) with the Outcome that explains
 * why there is none: timeout, a close, a malformed answer (violations of `what`).
 */
export function responseOf(result: ReadResponseResult, what: string): HttpMessage<ResponseHead> {
  return result.kind === 'response' ? result.message : endCase(noResponse(result, what))
}

/** Why there is no response to `what` (what responseOf ends the case with), for a case that goes on. */
export function noResponse(
  result: Exclude<ReadResponseResult, { kind: 'response' }>,
  what: string,
): Outcome {
  switch (result.kind) {
    case 'timeout':
      return timedOut(what, result.afterMs)
    case 'closed':
      return violates(
        what,
        `the connection was closed (${result.how}) after ${result.partial.length} bytes`,
      )
    case 'malformed':
      return violates(`${what}, well-formed`, `a malformed response: ${result.error.message}`)
  }
}

/** "HTTP/1.1 200 OK" */
export function statusLine(message: HttpMessage<ResponseHead>): string {
  return `${message.head.version} ${message.head.status} ${message.head.reason}`.trim()
}

/**
 * Whether the target refused: a 4xx or 5xx, or a close before any byte of a
 * response. A malformed or half-sent response is not a refusal: a case that
 * accepts "any refusal with nothing forwarded" must not pass a target that
 * answered garbage (a 1 MB head, a cut-off status line).
 */
export function isRefusal(read: ReadResponseResult): boolean {
  if (read.kind === 'response') return read.message.head.status >= 400
  return read.kind === 'closed' && read.partial.length === 0
}
