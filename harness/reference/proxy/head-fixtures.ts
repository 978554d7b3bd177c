/**
 * Heads for the pure tests, parsed from bytes by harness/wire (lenient, so a
 * fixture may carry what a strict parser would refuse).
 */
import { createRequestParser, createResponseParser } from '../../wire/parser.js'
import type { MessageHead, ParseEvent, RequestHead, ResponseHead } from '../../wire/types.js'

function firstHead<H extends MessageHead>(
  parser: { push(b: Buffer): void; next(): ParseEvent<H> | undefined },
  lines: string[],
): H {
  parser.push(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'))
  const event = parser.next()
  if (event?.type !== 'head') throw new Error(`no head in: ${lines.join(' | ')}`)
  return event.head
}

/** The head of a request written as lines (CRLF added between them and at the end). */
export function requestHead(...lines: string[]): RequestHead {
  return firstHead(createRequestParser({ mode: 'lenient' }), lines)
}

/** The head of a response written as lines. */
export function responseHead(...lines: string[]): ResponseHead {
  return firstHead(createResponseParser({ mode: 'lenient' }), lines)
}
