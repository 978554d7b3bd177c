/** Whole-buffer convenience over HttpParser, for fixtures and tests. */
import { HttpParser } from './http-parser.js'
import type { HttpMessage, ParserOptions } from './types.js'

export interface ParseMessagesOptions extends ParserOptions {
  /** The bytes end with EOF: completes a close-delimited body, makes a cut-short message incomplete. */
  readonly eof?: boolean
  /** Response parsing: the methods of the requests sent, in order (GET when missing). */
  readonly requestMethods?: readonly string[]
}

export interface ParsedMessages {
  readonly messages: HttpMessage[]
  /** Bytes after the last complete message (a partial message, or what follows a CONNECT request). */
  readonly rest: Buffer
  /** Bytes after a message with framing 'tunnel'. */
  readonly tunnel: Buffer
}

/**
 * Every message in `bytes`. Parsing stops after a CONNECT request: what
 * follows is tunnel data if the server accepts, so it is returned as `rest`.
 * Throws WireError as HttpParser.next() does.
 */
export function parseMessages(
  kind: 'request' | 'response',
  bytes: Buffer,
  options: ParseMessagesOptions,
): ParsedMessages {
  const parser = new HttpParser(kind, options)
  for (const method of options.requestMethods ?? []) parser.expectResponseTo(method)
  parser.push(bytes)
  if (options.eof === true) parser.end()
  const messages: HttpMessage[] = []
  const tunnel: Buffer[] = []
  for (let event = parser.next(); event !== undefined; event = parser.next()) {
    if (event.type === 'tunnel') tunnel.push(event.data)
    if (event.type !== 'message') continue
    messages.push(event.message)
    const head = event.message.head
    if (head.kind === 'request' && head.method === 'CONNECT') break
  }
  return { messages, rest: bytes.subarray(parser.completedBytes), tunnel: Buffer.concat(tunnel) }
}
