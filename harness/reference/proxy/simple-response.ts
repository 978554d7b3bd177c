/**
 * Responses the proxy generates itself: errors, and the answers it gives as
 * the final recipient of OPTIONS/TRACE with Max-Forwards: 0. Pure.
 */
import { httpDate, textLine } from './message-head.js'

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  411: 'Length Required',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  504: 'Gateway Timeout',
  508: 'Loop Detected',
}

/** A response the proxy writes itself. */
export interface SimpleResponseSpec {
  readonly status: number
  /** Plain-text body; a trailing newline is added. */
  readonly text: string
  /** Add `Connection: close` (the proxy closes after it, RFC 9112 §9.6). */
  readonly close: boolean
  readonly headers?: readonly string[]
  /** Overrides the text body (e.g. message/http for TRACE). */
  readonly body?: Buffer
  readonly date?: Date
}

/**
 * A complete response framed by Content-Length (so even a refusal of CONNECT
 * is a parseable message, CONNECT-06), with Date (RFC 9110 §6.6.1).
 */
export function simpleResponse(spec: SimpleResponseSpec): Buffer {
  const body = spec.body ?? Buffer.from(`${spec.text}\n`, 'latin1')
  const head = [
    textLine(`HTTP/1.1 ${spec.status} ${REASONS[spec.status] ?? ''}`),
    textLine(`Date: ${httpDate(spec.date)}`),
    ...(spec.body === undefined ? [textLine('Content-Type: text/plain; charset=us-ascii')] : []),
    ...(spec.headers ?? []).map(textLine),
    textLine(`Content-Length: ${body.length}`),
    ...(spec.close ? [textLine('Connection: close')] : []),
    Buffer.from('\r\n'),
  ]
  return Buffer.concat([...head, body])
}

/** The exact 2xx to a CONNECT: no Content-Length, no Transfer-Encoding (RFC 9110 §9.3.6, CONNECT-03). */
export const CONNECT_ESTABLISHED = Buffer.from(
  'HTTP/1.1 200 Connection Established\r\n\r\n',
  'latin1',
)
