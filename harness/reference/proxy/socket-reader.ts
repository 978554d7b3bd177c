/**
 * Pulls parse events from a socket: the socket stays paused and is only read
 * when the consumer asks for the next event and the parser has none. That is
 * the proxy's backpressure (a pipelined request waits in the kernel until the
 * previous one is answered) and what lets a CONNECT take the unparsed bytes.
 */
import type { Socket } from 'node:net'
import type { MessageHead, ParseEvent, WireError } from '../../wire/types.js'

/** The part of harness/wire's HttpParser this reader drives. */
export interface PullParser<H extends MessageHead> {
  push(chunk: Buffer): void
  end(): void
  next(): ParseEvent<H> | undefined
  detach(): Buffer
  readonly buffered: number
}

/** A parse event, or why none came. */
export type ReadEvent<H extends MessageHead> =
  | ParseEvent<H>
  /** The peer sent FIN and the parser has nothing more. */
  | { readonly type: 'eof' }
  /** The socket failed (RST) or was destroyed. */
  | { readonly type: 'reset'; readonly error: Error }
  /** The bytes are not valid HTTP for a strict parser. */
  | { readonly type: 'invalid'; readonly error: WireError }
  /** socket.setTimeout fired while we were waiting for bytes. */
  | { readonly type: 'timeout' }
  /** detach() was called. */
  | { readonly type: 'aborted' }

/** WireError by name, not instanceof (two copies of the package may be loaded). */
export function isWireError(error: unknown): error is WireError {
  return error instanceof Error && error.name === 'WireError'
}

/** Pull-based reading of one direction of a socket through a PullParser. */
export class SocketReader<H extends MessageHead> {
  readonly parser: PullParser<H>
  readonly #socket: Socket
  #bytes = 0
  #ended = false
  #closed = false
  #error: Error | undefined
  #invalid: WireError | undefined
  #timedOut = false
  #detached = false
  #wake: (() => void) | undefined
  /** While set (an idle pooled connection), any socket event calls it instead. */
  #onIdleEvent: (() => void) | undefined

  constructor(socket: Socket, parser: PullParser<H>) {
    this.#socket = socket
    this.parser = parser
    socket.pause()
    socket.on('data', this.#onData)
    socket.on('end', this.#onEnd)
    socket.on('error', this.#onError)
    socket.on('close', this.#onClose)
    socket.on('timeout', this.#onTimeout)
  }

  /** Bytes read from the socket so far. */
  get bytesReceived(): number {
    return this.#bytes
  }

  /** True once the peer sent FIN or the socket closed. */
  get finished(): boolean {
    return this.#ended || this.#closed || this.#error !== undefined
  }

  /** The next parse event, or why there is none. Never rejects. */
  async next(): Promise<ReadEvent<H>> {
    for (;;) {
      if (this.#detached) return { type: 'aborted' }
      if (this.#invalid !== undefined) return { type: 'invalid', error: this.#invalid }
      try {
        const event = this.parser.next()
        if (event !== undefined) return event
      } catch (error) {
        if (!isWireError(error)) throw error
        this.#invalid = error
        return { type: 'invalid', error }
      }
      if (this.#error !== undefined) return { type: 'reset', error: this.#error }
      if (this.#ended) return { type: 'eof' }
      if (this.#closed) return { type: 'reset', error: new Error('socket closed') }
      await new Promise<void>((resolve) => {
        this.#wake = resolve
        this.#socket.resume()
      })
      this.#wake = undefined
      if (this.#timedOut) {
        this.#timedOut = false
        return { type: 'timeout' }
      }
    }
  }

  /**
   * Watches an idle connection: the first byte, FIN, error or timeout calls
   * `onEvent` (an idle upstream must say nothing, RFC 9112 §6.3 last paragraph).
   * undefined stops watching.
   */
  watchIdle(onEvent: (() => void) | undefined): void {
    this.#onIdleEvent = onEvent
    if (onEvent === undefined) this.#socket.pause()
    else this.#socket.resume()
  }

  /** Stops reading for good; returns the bytes received and not parsed (RFC 9110 §9.3.6). */
  detach(): Buffer {
    this.#detached = true
    this.#socket.pause()
    this.#socket.off('data', this.#onData)
    this.#socket.off('end', this.#onEnd)
    this.#socket.off('close', this.#onClose)
    this.#socket.off('timeout', this.#onTimeout)
    // The 'error' listener stays: an error with no listener would crash the process.
    this.#wake?.()
    return this.parser.detach()
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#bytes += chunk.length
    if (this.#idle()) return
    this.parser.push(chunk)
    this.#socket.pause()
    this.#wake?.()
  }

  readonly #onEnd = (): void => {
    this.#ended = true
    if (this.#idle()) return
    try {
      this.parser.end()
    } catch (error) {
      if (!isWireError(error)) throw error
      this.#invalid = error
    }
    this.#wake?.()
  }

  readonly #onError = (error: Error): void => {
    this.#error = error
    if (this.#idle()) return
    this.#wake?.()
  }

  readonly #onClose = (): void => {
    this.#closed = true
    if (this.#idle()) return
    this.#wake?.()
  }

  readonly #onTimeout = (): void => {
    if (this.#idle()) return
    // Only a pending wait times out: a timer that fired while nobody was reading means nothing.
    if (this.#wake === undefined) return
    this.#timedOut = true
    this.#wake()
  }

  #idle(): boolean {
    if (this.#onIdleEvent === undefined) return false
    this.#onIdleEvent()
    return true
  }
}
