/**
 * How a message body is delimited on each hop (RFC 9112 §6). The parser
 * delimits what it reads; these decide what the proxy writes. Pure.
 */
import { transferCodings } from '../../wire/framing.js'
import type { HeaderField, RequestHead, ResponseHead } from '../../wire/types.js'

/** How a body is delimited on one hop (RFC 9112 §6.3). */
export type BodyFraming = 'none' | 'content-length' | 'chunked' | 'close-delimited'

const has = (headers: readonly HeaderField[], name: string): boolean =>
  headers.some((field) => field.name.toLowerCase() === name)

/** The first Content-Length value as a decimal string ("5, 5" → "5"); the strict parser already checked them all. */
export function contentLength(headers: readonly HeaderField[]): string | undefined {
  const field = headers.find((f) => f.name.toLowerCase() === 'content-length')
  const first = field?.value.split(',')[0]?.trim()
  // Written back as a plain decimal: "007" goes out as "7" (as text: a Number would round past 2^53).
  return first === undefined || !/^\d+$/.test(first) ? first : first.replace(/^0+(?=\d)/, '')
}

/**
 * The received request framing (RFC 9112 §6.3 rules 3-6). In strict mode a
 * request with Transfer-Encoding that the parser accepted ends in chunked.
 */
export function requestFraming(head: RequestHead): 'none' | 'content-length' | 'chunked' {
  if (has(head.headers, 'transfer-encoding')) return 'chunked'
  return has(head.headers, 'content-length') ? 'content-length' : 'none'
}

/**
 * The received response framing (RFC 9112 §6.3): no body for HEAD, 1xx, 204
 * and 304 (rule 1), else the framing its fields declare (fieldFraming).
 */
export function responseFraming(requestMethod: string, head: ResponseHead): BodyFraming {
  const bodiless = head.status === 204 || head.status === 304
  if (requestMethod === 'HEAD' || head.status < 200 || bodiless) return 'none'
  return fieldFraming(head)
}

/**
 * The framing a response's fields declare (RFC 9112 §6.3): chunked when
 * chunked is the last coding, else close-delimited (rule 4); Content-Length
 * (rule 5); else read to EOF (rule 8).
 */
export function fieldFraming(head: ResponseHead): BodyFraming {
  const codings = head.headers
    .filter((f) => f.name.toLowerCase() === 'transfer-encoding')
    .flatMap((f) => f.value.split(','))
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '')
  if (codings.length > 0)
    return codings[codings.length - 1] === 'chunked' ? 'chunked' : 'close-delimited'
  return has(head.headers, 'content-length') ? 'content-length' : 'close-delimited'
}

/**
 * The framing toward the client. Content-Length is kept. An HTTP/1.0 client
 * never gets Transfer-Encoding (RFC 9112 §6.1), so chunked becomes
 * close-delimited for it; an HTTP/1.1 client gets a close-delimited body
 * chunked, so its connection stays usable (RFC 9112 §6.3 rule 8, KA-07).
 */
export function clientFraming(upstream: BodyFraming, clientMinor: 0 | 1): BodyFraming {
  if (upstream === 'none' || upstream === 'content-length') return upstream
  return clientMinor === 1 ? 'chunked' : 'close-delimited'
}

/** A request this proxy refuses for its transfer coding: the status and why. */
export interface CodingRefusal {
  readonly status: 400 | 501
  readonly text: string
}

/**
 * RFC 9112 §6.1, §7: the strict parser has already made sure that chunked is
 * the last coding. Chunked applied twice is not a message a sender may make
 * (400), and a coding before it that this proxy cannot decode gets 501: it
 * re-chunks the body, so forwarding would relabel coded bytes as plain ones
 * (SMUG-05).
 */
export function transferCodingRefusal(head: RequestHead): CodingRefusal | undefined {
  const codings = transferCodings(head.headers)
  if (codings.length === 0) return undefined
  if (codings.filter((c) => c === 'chunked').length > 1)
    return { status: 400, text: 'proxyspec: chunked applied more than once (RFC 9112 §6.1)' }
  const unknown = codings.slice(0, -1)
  if (unknown.length > 0) {
    return {
      status: 501,
      text: `proxyspec does not implement the transfer coding ${unknown.join(', ')} (RFC 9112 §6.1)`,
    }
  }
  return undefined
}

/**
 * RFC 9112 §6.1: a response body in a transfer coding other than one chunked
 * cannot be relayed by a proxy that only re-chunks: dropping the field (it is
 * hop-by-hop) would hand the client coded bytes as plain ones. nginx answers
 * such a response with 502 too. undefined when the response can be relayed.
 */
export function responseCodingProblem(
  requestMethod: string,
  head: ResponseHead,
): string | undefined {
  if (responseFraming(requestMethod, head) === 'none') return undefined
  const codings = transferCodings(head.headers)
  if (codings.every((c) => c === 'chunked') && codings.length <= 1) return undefined
  return `the upstream used the transfer coding "${codings.join(', ')}", which proxyspec does not decode`
}
