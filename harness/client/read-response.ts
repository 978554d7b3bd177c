import { Deadline, isTimeout } from '../net/deadline.js'
import { createResponseParser, type HttpParser } from '../wire/parser.js'
import { WireError, type HttpMessage, type ParseMode, type ResponseHead } from '../wire/types.js'
import type { ReceiveBuffer } from './receive-buffer.js'
import type { ReadResponseResult } from './types.js'

export interface ResponseReadOptions {
  readonly mode: ParseMode
  readonly requestMethod: string
  readonly timeoutMs: number
  readonly signal: AbortSignal
}

type Step =
  | { readonly kind: 'final'; readonly message: HttpMessage<ResponseHead> }
  | { readonly kind: 'more' }
  | { readonly kind: 'malformed'; readonly error: WireError }

/**
 * Reads one final response (and the 1xx before it) from the receive buffer.
 * A fresh parser per read sees the buffered bytes without consuming them; only
 * a complete response is taken out, and whatever follows it (the next
 * pipelined response, tunnel bytes after a CONNECT 2xx or a 101) stays
 * buffered. A timeout or a close leaves the bytes where they are.
 */
export async function readResponseFrom(
  buffer: ReceiveBuffer,
  options: ResponseReadOptions,
): Promise<ReadResponseResult> {
  const parser = createResponseParser({ mode: options.mode })
  parser.expectResponseTo(options.requestMethod)
  const interim: HttpMessage<ResponseHead>[] = []
  const deadline = new Deadline(options.timeoutMs, options.signal)
  let fed = 0
  let ended = false
  // A view, not a copy: the receive buffer never overwrites bytes it handed out,
  // and a copy of a flood cut at the read cap cost another 4 MiB per read.
  const partial = (): Buffer => buffer.peek()
  try {
    for (;;) {
      if (buffer.length > fed) {
        parser.push(buffer.since(fed))
        fed = buffer.length
      }
      // Bytes land before the close that follows them, so at EOF everything is fed.
      if (!ended && buffer.peerState === 'eof') {
        ended = true
        parser.end()
      }
      const step = drain(parser, interim)
      if (step.kind === 'malformed') {
        // EOF in the middle of a head is a close before any response, not a malformed one.
        if (ended && step.error.code === 'incomplete')
          return { kind: 'closed', how: 'eof', partial: partial() }
        return { kind: 'malformed', error: step.error, partial: partial() }
      }
      if (step.kind === 'final') {
        const rest = parser.detach()
        buffer.take(fed - rest.length)
        return { kind: 'response', message: step.message, interim }
      }
      // A reset never completes a close-delimited body: a response cut by RST is not a response.
      if (buffer.peerState !== 'open')
        return { kind: 'closed', how: buffer.peerState, partial: partial() }
      const seen = fed
      const changed = await buffer.until(
        'a response',
        () => (buffer.length > seen || buffer.peerState !== 'open' ? true : undefined),
        deadline.remainingMs(),
        deadline.signal,
      )
      if (isTimeout(changed)) return { ...changed, partial: partial() }
    }
  } finally {
    deadline.dispose()
  }
}

/** Pulls parser events until a final response or until it needs more bytes. */
function drain(parser: HttpParser<ResponseHead>, interim: HttpMessage<ResponseHead>[]): Step {
  try {
    for (let event = parser.next(); event !== undefined; event = parser.next()) {
      if (event.type !== 'message') continue
      const { status } = event.message.head
      // 1xx are messages of their own, except 101, after which the bytes are not HTTP.
      if (status >= 100 && status < 200 && status !== 101) {
        interim.push(event.message)
        continue
      }
      return { kind: 'final', message: event.message }
    }
    return { kind: 'more' }
  } catch (error) {
    if (error instanceof WireError || (error as Error).name === 'WireError') {
      return { kind: 'malformed', error: error as WireError }
    }
    throw error
  }
}
