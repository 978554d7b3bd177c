/**
 * The reference implementations of the h2 upstream steps: what makes an h2
 * origin's response malformed (RFC 9113 §8.1.1, §8.1, §8.2.1, §8.2.2,
 * §8.3.2), how a reset from the origin reaches the client (§8.1, §8.7), and
 * the origin's stream limit (§5.1.2). Pure.
 */
import { ERROR_CODE } from '../../h2/constants.js'
import {
  checkContentLength,
  CONNECTION_SPECIFIC,
  validateFieldNames,
  validateFieldValues,
} from './request-checks.js'
import type { H2Field, Problem } from './types.js'

/** What a response header block is answering, and how it came. */
export interface UpstreamBlockContext {
  /** The request's :method. */
  readonly method: string
  /** The HEADERS frame carried END_STREAM. */
  readonly endStream: boolean
}

/**
 * RFC 9113 §8.3.2, §8.2.1, §8.2.2, §8.1: a response header block has
 * exactly one `:status` (three digits, not 101), first, and no other
 * pseudo-header field; lowercase token names; no NUL/CR/LF or edge
 * whitespace in values; no connection-specific field (nor TE); a 1xx never
 * ends the stream; a content-length on a HEADERS that ends the stream is 0
 * (or the response has no content).
 */
export function validateUpstreamResponse(
  fields: readonly H2Field[],
  context: UpstreamBlockContext,
): Problem {
  const names = validateFieldNames(fields) ?? validateFieldValues(fields)
  if (names !== undefined) return names
  const statuses = fields.filter((f) => f.name === ':status')
  if (statuses.length === 0) return 'no :status'
  if (statuses.length > 1) return `${statuses.length} :status fields`
  let regular = false
  for (const { name } of fields) {
    if (name.startsWith(':')) {
      if (name !== ':status') return `the pseudo-header field ${name} in a response`
      if (regular) return ':status after a regular field'
    } else regular = true
    if (CONNECTION_SPECIFIC.has(name) || name === 'te')
      return `the connection-specific field ${name}`
  }
  const status = statuses[0]?.value ?? ''
  if (!/^[1-5][0-9][0-9]$/.test(status)) return `:status ${JSON.stringify(status)}`
  if (status === '101') return ':status 101 (no upgrade in HTTP/2, RFC 9113 §8.6)'
  if (status.startsWith('1') && context.endStream) return `a ${status} with END_STREAM`
  if (context.endStream) {
    const lengths = fields.filter((f) => f.name === 'content-length').map((f) => f.value)
    const noContent = context.method === 'HEAD' || status === '304' || status === '204'
    const problem = checkContentLength(lengths, 0, !noContent)
    if (problem !== undefined) return problem
  }
  return undefined
}

/**
 * RFC 9113 §8.1.1 (and RFC 9110 §6.4.1, §9.3.2): DATA against the declared
 * content-length, and no DATA at all on a response without content (HEAD,
 * 204, 304).
 */
export function checkUpstreamLength(
  lengths: readonly string[],
  received: number,
  ended: boolean,
  noContent: boolean,
): Problem {
  if (noContent)
    return received > 0 ? `${received} octets of DATA on a response without content` : undefined
  return checkContentLength(lengths, received, ended)
}

/** RFC 9113 §8.1, §8.3: a trailer section ends the stream and carries no pseudo-header field. */
export function validateUpstreamTrailers(fields: readonly H2Field[], endStream: boolean): Problem {
  if (!endStream) return 'a trailer HEADERS without END_STREAM'
  const pseudo = fields.find((f) => f.name.startsWith(':'))
  if (pseudo !== undefined) return `${pseudo.name} in a trailer section`
  return (
    validateFieldNames(fields) ??
    validateFieldValues(fields) ??
    fields
      .filter((f) => CONNECTION_SPECIFIC.has(f.name))
      .map((f) => `the connection-specific field ${f.name} in trailers`)[0]
  )
}

/** What the front does toward the client when the origin resets the stream. */
export type UpstreamResetAction =
  /** The response is relayed as it is: whatever is held, then END_STREAM. */
  | { readonly kind: 'deliver' }
  /** A 502 when nothing of the response went out yet, else RST_STREAM(INTERNAL_ERROR) after what did. */
  | { readonly kind: 'bad-gateway' }
  /** RST_STREAM with this code at once (what is queued for the client is dropped). */
  | { readonly kind: 'reset'; readonly code: number }

/**
 * RFC 9113 §8.1: a server may reset with NO_ERROR after a complete response
 * (to stop the upload): the response is delivered. Any other reset, or one
 * before the response is complete, is an error of this exchange: a 502, or
 * a reset after the part relayed (never END_STREAM, which would present a
 * truncated response as complete). RFC 9113 §8.7: the request reached the
 * origin, so the client is never told REFUSED_STREAM (the origin's own
 * REFUSED_STREAM included: the reference answers 502 rather than replay).
 */
export function upstreamReset(_code: number, responseComplete: boolean): UpstreamResetAction {
  if (responseComplete) return { kind: 'deliver' }
  return { kind: 'bad-gateway' }
}

/** The code of the client's RST_STREAM when a response under way is cut off. */
export const CUT_OFF_CODE = ERROR_CODE.INTERNAL_ERROR
