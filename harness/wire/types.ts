/**
 * The shapes of harness/wire: HTTP/1.1 messages as they were on the wire.
 * Nothing here is normalised away: field order, case, duplicates and the raw
 * bytes of every line are kept, because the evidence must show exactly what a
 * broken intermediary sent.
 */

/** One field line as received. `name` and `value` are latin1 text; `raw` is the line's bytes without its line ending. */
export interface HeaderField {
  readonly name: string
  /** The value with leading/trailing OWS removed (obs-fold continuations joined by a single SP). */
  readonly value: string
  readonly raw: Buffer
}

/** Something off about a message. Strict mode throws it as a WireError; lenient mode records it and carries on. */
export type AnomalyCode =
  | 'bare-lf' // a line ended in LF alone (RFC 9112 §2.2)
  | 'bare-cr' // a CR not followed by LF in a protocol element
  | 'obs-fold' // a field line continued on the next line (RFC 9112 §5.2)
  | 'whitespace-before-colon' // "Name : value" (RFC 9112 §5.1)
  | 'invalid-field-name'
  | 'invalid-field-value' // CR, LF or NUL inside a value (RFC 9110 §5.5)
  | 'leading-whitespace-line' // whitespace-led line right after the start line (RFC 9112 §2.2)
  | 'invalid-start-line'
  | 'invalid-version'
  | 'invalid-status'
  | 'invalid-content-length' // empty, signed, non-decimal, overflowing (RFC 9112 §6.3 rule 5)
  | 'conflicting-content-length' // duplicates or a list that disagree
  | 'duplicate-content-length' // duplicates that agree (MAY be collapsed)
  | 'content-length-with-transfer-encoding' // both present (RFC 9112 §6.1, §6.3 rule 3)
  | 'transfer-encoding-not-chunked-last' // in a request: 400 (RFC 9112 §6.3 rule 4)
  | 'transfer-encoding-in-http10' // RFC 9112 §6.1
  | 'invalid-chunk-size'
  | 'invalid-chunk-ending' // chunk data not followed by CRLF
  | 'chunk-extension' // informational: an extension was present (they are ignored)
  | 'head-too-large'
  | 'incomplete' // the peer closed before the message was complete
  | 'bytes-after-close-delimited' // informational

export interface Anomaly {
  readonly code: AnomalyCode
  readonly message: string
  /** Byte offset within the message where it was noticed. */
  readonly offset: number
}

/** Thrown in strict mode and for unrecoverable input in lenient mode. */
export class WireError extends Error {
  readonly code: AnomalyCode
  readonly offset: number
  constructor(anomaly: Anomaly) {
    super(`[proxyspec] ${anomaly.code}: ${anomaly.message} (at byte ${anomaly.offset})`)
    this.name = 'WireError'
    this.code = anomaly.code
    this.offset = anomaly.offset
  }
}

export interface RequestHead {
  readonly kind: 'request'
  readonly method: string
  /** The request-target exactly as sent: origin-form, absolute-form, authority-form or "*". */
  readonly target: string
  /** "HTTP/1.1", "HTTP/1.0" as sent. */
  readonly version: string
  readonly headers: readonly HeaderField[]
  /** Every byte of the head, start line to the empty line inclusive. */
  readonly raw: Buffer
  readonly anomalies: readonly Anomaly[]
}

export interface ResponseHead {
  readonly kind: 'response'
  readonly version: string
  readonly status: number
  readonly reason: string
  readonly headers: readonly HeaderField[]
  readonly raw: Buffer
  readonly anomalies: readonly Anomaly[]
}

export type MessageHead = RequestHead | ResponseHead

/**
 * How the body was delimited (RFC 9112 §6.3): none (HEAD, 1xx, 204, 304, or a
 * request without CL/TE), content-length, chunked, close-delimited (a response
 * read to EOF), or tunnel (a 2xx to CONNECT or a 101: the bytes after the head
 * are not HTTP any more).
 */
export type Framing = 'none' | 'content-length' | 'chunked' | 'close-delimited' | 'tunnel'

export interface HttpMessage<H extends MessageHead = MessageHead> {
  readonly head: H
  readonly framing: Framing
  /** The decoded body (chunks joined, chunk framing removed). */
  readonly body: Buffer
  readonly trailers: readonly HeaderField[]
  /** False when the peer closed before the framing said the message ended. */
  readonly complete: boolean
  /** Every byte of the message as received, head and framed body. */
  readonly raw: Buffer
  readonly anomalies: readonly Anomaly[]
}

export type ParseMode = 'strict' | 'lenient'

export interface ParserOptions {
  readonly mode: ParseMode
  /** Largest head accepted, start line to empty line. @default 65536 */
  readonly maxHeadBytes?: number
  /**
   * How Content-Length digits become a number. @default Number(), with values
   * past 2^53 refused (strict) or read as endless (lenient). Replace it to
   * model an implementation whose conversion wraps or rounds.
   */
  readonly contentLengthValue?: (digits: string) => number
}

/** Events an incremental parser emits, in order, for each message. */
export type ParseEvent<H extends MessageHead = MessageHead> =
  | { readonly type: 'head'; readonly head: H }
  | { readonly type: 'body'; readonly data: Buffer }
  | { readonly type: 'message'; readonly message: HttpMessage<H> }
  /** After a tunnel-framed message: bytes that are no longer HTTP. */
  | { readonly type: 'tunnel'; readonly data: Buffer }

/** A field line to write. A string is written verbatim (no ": " added) so malformed lines can be sent. */
export type FieldLine = readonly [name: string, value: string] | string

export interface RequestSpec {
  readonly method: string
  readonly target: string
  /** @default 'HTTP/1.1' */
  readonly version?: string
  readonly headers?: readonly FieldLine[]
  /** Written as-is after the head; the caller sets the framing fields. */
  readonly body?: Buffer | string
}

export interface ResponseSpec {
  /** @default 'HTTP/1.1' */
  readonly version?: string
  readonly status: number
  /** @default the standard reason phrase, or '' */
  readonly reason?: string
  readonly headers?: readonly FieldLine[]
  readonly body?: Buffer | string
}
