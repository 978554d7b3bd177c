/**
 * The reference implementations of the response steps: how an HTTP/1.1
 * response read on the internal connection becomes h2 frames (RFC 9113
 * §8.1, §8.2.2; RFC 9110 §15.2). Pure.
 */
import { ERROR_CODE } from '../../h2/constants.js'
import type { HeaderField, HttpMessage, ResponseHead } from '../../wire/types.js'
import type { H2Field } from './types.js'

/** RFC 9113 §8.2.2: removed from a response whether or not Connection names them. */
const RESPONSE_CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
])

/**
 * RFC 9113 §8.2.2 and §8.2: Connection, every field it names, Keep-Alive,
 * Proxy-Connection, Transfer-Encoding and Upgrade removed; names lowercase.
 */
export function responseFields(headers: readonly HeaderField[]): H2Field[] {
  const named = new Set<string>()
  for (const field of headers) {
    if (field.name.toLowerCase() !== 'connection') continue
    for (const element of field.value.split(',')) {
      const token = element.trim().toLowerCase()
      if (token !== '') named.add(token)
    }
  }
  return headers
    .map((f) => ({ name: f.name.toLowerCase(), value: f.value }))
    .filter((f) => !RESPONSE_CONNECTION_SPECIFIC.has(f.name) && !named.has(f.name))
}

/** What the front does with an interim (1xx) response. */
export type InterimAction = 'relay' | 'drop' | 'bad-gateway'

/**
 * RFC 9110 §15.2: a 1xx is forwarded (HEADERS without END_STREAM, RFC 9113
 * §8.1); a 101 exists only in HTTP/1.1 (RFC 9113 §8.6): to a request that
 * asked no upgrade it is a bad answer (502).
 */
export function interimResponse(head: ResponseHead, upgradeAsked: boolean): InterimAction {
  if (head.status === 101) return upgradeAsked ? 'relay' : 'bad-gateway'
  return 'relay'
}

/** RFC 9110 §6.4.1, §9.3.2: HEAD, 204 and 304 carry no content: END_STREAM on the HEADERS. */
export function bodilessResponse(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)
}

/**
 * RFC 9112 §8, RFC 9113 §8.1: a response cut short (closed before its
 * Content-Length, no last chunk) ends in RST_STREAM(INTERNAL_ERROR), never
 * END_STREAM; a close-delimited body is complete at the close. The code to
 * reset with, or undefined for END_STREAM.
 */
export function truncatedResponse(
  message: Pick<HttpMessage, 'complete' | 'framing'>,
): number | undefined {
  return message.complete ? undefined : ERROR_CODE.INTERNAL_ERROR
}

/**
 * RFC 9110 §6.5, RFC 9113 §8.1: a chunked trailer section becomes a trailing
 * HEADERS with END_STREAM (connection-specific fields removed, names
 * lowercase); undefined sends no trailers (END_STREAM on an empty DATA).
 */
export function trailersOut(trailers: readonly HeaderField[]): H2Field[] | undefined {
  if (trailers.length === 0) return undefined
  // RFC 9110 §6.5.1: framing fields have no meaning in a trailer section.
  const fields = responseFields(trailers).filter((f) => f.name !== 'content-length')
  return fields.length === 0 ? undefined : fields
}
