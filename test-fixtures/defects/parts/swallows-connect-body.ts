/**
 * A proxy that honours Content-Length or chunked on a CONNECT and reads that
 * "body" before tunnelling (CONNECT-12): a lenient request parser, so the
 * framing fields get past the strict parser's refusal (RFC 9110 §9.3.6: a
 * CONNECT has no content), and the bytes it frames are thrown away.
 */
import type { PullParser } from '../../../harness/reference/proxy/socket-reader.js'
import { createRequestParser } from '../../../harness/wire/parser.js'
import type { RequestHead } from '../../../harness/wire/types.js'

/** harness/wire's request parser in lenient mode. */
export function lenientRequestParser(): PullParser<RequestHead> {
  return createRequestParser({ mode: 'lenient' })
}

/** The head without its Content-Length and Transfer-Encoding lines (the check never sees them). */
export function withoutFramingFields(head: RequestHead): RequestHead {
  const framing = /^(content-length|transfer-encoding)$/i
  return { ...head, headers: head.headers.filter((f) => !framing.test(f.name)) }
}

/** `early` after the Content-Length or chunked "body" the CONNECT head announces. */
export function afterConnectBody(head: RequestHead, early: Buffer): Buffer {
  const field = (name: string): string | undefined =>
    head.headers.find((f) => f.name.toLowerCase() === name)?.value
  const length = field('content-length')
  if (length !== undefined && /^\d+$/.test(length)) return early.subarray(Number(length))
  if (field('transfer-encoding') !== undefined) {
    const last = early.indexOf('0\r\n\r\n')
    return last === -1 ? Buffer.alloc(0) : early.subarray(last + 5)
  }
  return early
}
