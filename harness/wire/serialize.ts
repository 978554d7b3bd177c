/**
 * Writing HTTP/1.1 messages byte for byte. Nothing is added or repaired: the
 * caller writes exactly what a case means, including malformed lines, so no
 * Content-Length is computed and string field lines go out verbatim.
 * Strings are latin1: one char is one byte, so any octet can be written.
 */
import type { FieldLine, RequestSpec, ResponseSpec } from './types.js'

const CRLF = '\r\n'

/** Standard reason phrases (RFC 9110 §15), used when a ResponseSpec gives none. */
export const STATUS_REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  102: 'Processing',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
}

/** `name: value` for a tuple, the string itself otherwise (so broken lines can be sent). */
function fieldLineText(line: FieldLine): string {
  return typeof line === 'string' ? line : `${line[0]}: ${line[1]}`
}

function message(
  startLine: string,
  headers: readonly FieldLine[],
  body: Buffer | string | undefined,
): Buffer {
  let head = startLine + CRLF
  for (const line of headers) head += fieldLineText(line) + CRLF
  head += CRLF
  const headBytes = Buffer.from(head, 'latin1')
  if (body === undefined || body.length === 0) return headBytes
  return Buffer.concat([headBytes, typeof body === 'string' ? Buffer.from(body, 'latin1') : body])
}

/** The bytes of a request: request line, field lines, empty line, then the body as given. */
export function requestBytes(spec: RequestSpec): Buffer {
  const startLine = `${spec.method} ${spec.target} ${spec.version ?? 'HTTP/1.1'}`
  return message(startLine, spec.headers ?? [], spec.body)
}

/**
 * The bytes of a response. The reason defaults to the standard phrase, or ''
 * (the SP before it is always written: RFC 9112 §4 requires it).
 */
export function responseBytes(spec: ResponseSpec): Buffer {
  const reason = spec.reason ?? STATUS_REASONS[spec.status] ?? ''
  const startLine = `${spec.version ?? 'HTTP/1.1'} ${spec.status} ${reason}`
  return message(startLine, spec.headers ?? [], spec.body)
}

/**
 * A chunked body (RFC 9112 §7.1): each non-empty chunk as hex size, CRLF,
 * data, CRLF; then the last-chunk `0`, the trailer lines and the final CRLF.
 * Empty chunks are skipped, since a zero size would end the body early.
 */
export function chunkedBody(
  chunks: readonly (string | Buffer)[],
  trailers: readonly FieldLine[] = [],
): Buffer {
  const parts: Buffer[] = []
  for (const chunk of chunks) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk
    if (data.length === 0) continue
    parts.push(
      Buffer.from(data.length.toString(16) + CRLF, 'latin1'),
      data,
      Buffer.from(CRLF, 'latin1'),
    )
  }
  let tail = '0' + CRLF
  for (const line of trailers) tail += fieldLineText(line) + CRLF
  parts.push(Buffer.from(tail + CRLF, 'latin1'))
  return Buffer.concat(parts)
}
