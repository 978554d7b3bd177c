/**
 * Deciding how a message body is delimited, from its head and (for a
 * response) the method of the request it answers: RFC 9112 §6.3, in order.
 */
import type { AnomalyLog } from './anomalies.js'
import { fieldValues, hasField } from './fields.js'
import { trimOws } from './lines.js'
import { isHttp10OrOlder } from './start-line.js'
import type { Framing, HeaderField, MessageHead } from './types.js'

export interface FramingDecision {
  readonly framing: Framing
  /** The body length for 'content-length'. */
  readonly length: number
}

const NONE: FramingDecision = { framing: 'none', length: 0 }

/**
 * The framing of `head`. `method` is the request method for a response (the
 * request's own method for a request). Anomalies go to `log` at offset 0.
 */
export function decideFraming(
  head: MessageHead,
  method: string,
  log: AnomalyLog,
  convert?: ContentLengthConversion,
): FramingDecision {
  const headers = head.headers
  if (head.kind === 'request' && method === 'CONNECT') return connectRequest(headers, log)
  if (head.kind === 'response') {
    if (head.status === 101) return { framing: 'tunnel', length: 0 }
    if (head.status < 200) return NONE
    if (method === 'CONNECT' && head.status < 300) return { framing: 'tunnel', length: 0 }
  }
  // Checked even where the length is not used (HEAD, 204, 304): a malformed field is still evidence.
  const length = contentLength(headers, log, convert)
  const bodiless =
    head.kind === 'response' && (method === 'HEAD' || head.status === 204 || head.status === 304)
  if (hasField(headers, 'transfer-encoding')) {
    if (isHttp10OrOlder(head.version)) {
      log.add('transfer-encoding-in-http10', `Transfer-Encoding in an ${head.version} message`, 0)
    }
    if (hasField(headers, 'content-length')) {
      log.add(
        'content-length-with-transfer-encoding',
        'both Content-Length and Transfer-Encoding; Transfer-Encoding wins',
        0,
      )
    }
    if (bodiless) return NONE
    const codings = transferCodings(headers)
    if (codings.at(-1) === 'chunked') return { framing: 'chunked', length: 0 }
    if (head.kind === 'response') return { framing: 'close-delimited', length: 0 }
    log.add(
      'transfer-encoding-not-chunked-last',
      `Transfer-Encoding "${codings.join(', ')}" does not end in chunked`,
      0,
    )
    return NONE
  }
  if (bodiless) return NONE
  if (length !== undefined) return { framing: 'content-length', length }
  return head.kind === 'request' ? NONE : { framing: 'close-delimited', length: 0 }
}

/** A CONNECT request has no content (RFC 9110 §9.3.6): framing fields are ignored, and noted. */
function connectRequest(headers: readonly HeaderField[], log: AnomalyLog): FramingDecision {
  if (hasField(headers, 'content-length')) {
    log.add(
      'invalid-content-length',
      'Content-Length in a CONNECT request; ignored (RFC 9110 §9.3.6)',
      0,
    )
  }
  if (hasField(headers, 'transfer-encoding')) {
    log.add(
      'transfer-encoding-not-chunked-last',
      'Transfer-Encoding in a CONNECT request; ignored (RFC 9110 §9.3.6)',
      0,
    )
  }
  return NONE
}

/** The transfer codings, lowercased, parameters dropped, in order across all lines. */
export function transferCodings(headers: readonly HeaderField[]): string[] {
  const codings: string[] = []
  for (const value of fieldValues(headers, 'transfer-encoding')) {
    for (const element of value.split(',')) {
      const coding = trimOws(element.split(';')[0]!).toLowerCase()
      if (coding !== '') codings.push(coding)
    }
  }
  return codings
}

/** How an implementation turns Content-Length digits into a number (replaceable, to model one that wraps or rounds). */
export type ContentLengthConversion = (digits: string) => number

/**
 * The Content-Length, from every line and every comma-separated element
 * (RFC 9110 §8.6 lets a recipient take "42, 42" as 42). Undefined when
 * absent or when no element is valid. Lenient interpretations: invalid
 * elements are skipped; disagreeing values yield the first valid one.
 *
 * A value of valid digits past 2^53 is valid HTTP (RFC 9110 §8.6: "a recipient
 * MUST anticipate potentially large decimal numerals and prevent parsing
 * errors due to integer conversion overflows or precision loss"), but more
 * than this parser counts: strict mode refuses it, lenient mode reads it as
 * "more bytes than will ever come", so the body runs to the end of the
 * connection and nothing after it is taken for a next message.
 */
export function contentLength(
  headers: readonly HeaderField[],
  log: AnomalyLog,
  convert?: ContentLengthConversion,
): number | undefined {
  const values: number[] = []
  for (const value of fieldValues(headers, 'content-length')) {
    for (const raw of value.split(',')) {
      const element = trimOws(raw)
      if (!/^\d+$/.test(element)) {
        log.add('invalid-content-length', `Content-Length "${value}" is not a valid length`, 0)
        continue
      }
      const n = convert === undefined ? Number(element) : convert(element)
      if (Number.isSafeInteger(n)) {
        values.push(n)
        continue
      }
      log.add(
        'invalid-content-length',
        `Content-Length "${value}" is larger than this parser counts (2^53 - 1)`,
        0,
      )
      values.push(Number.MAX_SAFE_INTEGER)
    }
  }
  const first = values[0]
  if (first === undefined) return undefined
  if (values.some((v) => v !== first)) {
    log.add('conflicting-content-length', `Content-Length values disagree: ${values.join(', ')}`, 0)
  } else if (values.length > 1) {
    log.add('duplicate-content-length', `Content-Length repeated: ${values.join(', ')}`, 0)
  }
  return first
}
