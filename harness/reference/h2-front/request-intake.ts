/**
 * The client's side of one request stream of the h2 front (RFC 9113 §8.1),
 * shared by RequestStream (forwarded as HTTP/1.1 on an internal connection)
 * and UpstreamRequest (forwarded as an h2 stream to the origin): the DATA and
 * the trailer section checked as they arrive (checkContentLength,
 * validateTrailers, validateFieldNames, validateFieldValues), the body held
 * until the startForwarding step says to start, then handed to the stream's
 * forwarder as it comes.
 */
import { declaredLength } from './request-checks.js'
import type { StreamHost } from './stream-host.js'
import type { H2Field, H2RequestHead } from './types.js'

/** A DATA payload held before forwarding began, with its flow-controlled length. */
export interface HeldChunk {
  readonly data: Buffer
  readonly flowLength: number
}

/** Where the intake hands the request: the stream that forwards it. */
export interface RequestForwarder {
  /** Forwarding began: DATA and trailers go straight to data() and trailers(). */
  forwarding(): boolean
  /** The request is malformed (RFC 9113 §8.1.1). */
  malformed(problem: string): void
  /** The startForwarding step said to start (the declared content-length, if one); takeHeld() gives what was held. */
  forward(declared: number | undefined): void
  /** A DATA payload after forwarding began. */
  data(data: Buffer, flowLength: number, endStream: boolean): void
  /** The accepted trailer section after forwarding began. */
  trailers(fields: readonly H2Field[]): void
}

export class RequestIntake {
  readonly #host: Pick<StreamHost, 'steps' | 'window'>
  readonly #head: H2RequestHead
  readonly #forwarder: RequestForwarder
  readonly #lengths: readonly string[]
  readonly #held: HeldChunk[] = []
  #heldBytes = 0
  #received = 0
  #ended: boolean
  #trailers: readonly H2Field[] | undefined

  constructor(
    host: Pick<StreamHost, 'steps' | 'window'>,
    head: H2RequestHead,
    endStream: boolean,
    forwarder: RequestForwarder,
  ) {
    this.#host = host
    this.#head = head
    this.#ended = endStream
    this.#forwarder = forwarder
    this.#lengths = head.fields.filter((f) => f.name === 'content-length').map((f) => f.value)
  }

  /** The client's side is complete (END_STREAM seen). */
  get ended(): boolean {
    return this.#ended
  }

  /** The accepted trailer section, if one came. */
  get trailers(): readonly H2Field[] | undefined {
    return this.#trailers
  }

  /** The request ended with no DATA octets and no trailers. */
  get noBody(): boolean {
    return this.#ended && this.#received === 0 && this.#trailers === undefined
  }

  onData(data: Buffer, flowLength: number, endStream: boolean): void {
    this.#received += data.length
    if (endStream) this.#ended = true
    const problem = this.#host.steps.checkContentLength(this.#lengths, this.#received, this.#ended)
    if (problem !== undefined) {
      this.#forwarder.malformed(problem)
      return
    }
    if (!this.#forwarder.forwarding()) {
      this.#held.push({ data, flowLength })
      this.#heldBytes += data.length
      this.maybeForward()
      return
    }
    this.#forwarder.data(data, flowLength, endStream)
  }

  onHeaders(fields: readonly H2Field[], endStream: boolean): void {
    const { steps } = this.#host
    if (endStream) this.#ended = true
    const problem =
      steps.validateTrailers(fields, endStream) ??
      steps.validateFieldNames(fields) ??
      steps.validateFieldValues(fields) ??
      steps.checkContentLength(this.#lengths, this.#received, this.#ended)
    if (problem !== undefined) {
      this.#forwarder.malformed(problem)
      return
    }
    this.#trailers = fields
    if (!this.#forwarder.forwarding()) this.maybeForward()
    else this.#forwarder.trailers(fields)
  }

  /** Asks the startForwarding step whether to start now; forward() when it says so. */
  maybeForward(): void {
    const expectContinue = this.#head.fields.some(
      (f) => f.name === 'expect' && f.value.toLowerCase() === '100-continue',
    )
    const declared = declaredLength(this.#lengths)
    const go = this.#host.steps.startForwarding({
      buffered: this.#heldBytes,
      declared: typeof declared === 'number' ? declared : undefined,
      expectContinue,
      ended: this.#ended,
      window: this.#host.window,
    })
    if (go) this.#forwarder.forward(typeof declared === 'number' ? declared : undefined)
  }

  /** The chunks held so far, taken (the held-bytes count stays, as startForwarding saw it). */
  takeHeld(): HeldChunk[] {
    return this.#held.splice(0)
  }
}
