/**
 * A parser wrapper that takes the first read of a request for its whole head,
 * as in a hand-written server that does
 * `head = firstChunk.split('\r\n\r\n')[0]`. It passes every test whose
 * client writes a request in one piece, and breaks as soon as TCP delivers
 * the head in several reads (RFC 9112 §2.2: a message is a byte stream, not a
 * packet). The one-byte relay pass (test-fixtures/fragmented) must catch it.
 */
import type { PullParser } from '../../../harness/reference/proxy/socket-reader.js'
import type { MessageHead } from '../../../harness/wire/types.js'

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1')

/** `parser`, with the first read of each message closed off as a complete head. */
export function firstReadAsHead<H extends MessageHead>(parser: PullParser<H>): PullParser<H> {
  let atMessageStart = true
  return {
    push(chunk) {
      if (atMessageStart) {
        atMessageStart = false
        if (parser.buffered === 0 && !chunk.includes(HEAD_END)) {
          parser.push(Buffer.concat([chunk, HEAD_END]))
          return
        }
      }
      parser.push(chunk)
    },
    end: () => {
      parser.end()
    },
    next() {
      const event = parser.next()
      if (event?.type === 'message') atMessageStart = true
      return event
    },
    detach: () => parser.detach(),
    get buffered() {
      return parser.buffered
    },
  }
}
