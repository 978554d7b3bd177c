/**
 * One message being read: its head, framing, body sinks and body anomalies,
 * and how it is turned into the HttpMessage of the 'message' event.
 */
import { AnomalyLog } from './anomalies.js'
import { ByteSink, type ByteQueue } from './byte-queue.js'
import { ChunkedDecoder } from './chunked-decoder.js'
import type { FramingDecision } from './framing.js'
import type { Framing, HttpMessage, MessageHead, ParseMode } from './types.js'

export class MessageState {
  readonly head: MessageHead
  readonly framing: Framing
  readonly body = new ByteSink()
  /** The framed body as received: the body itself unless chunked. */
  readonly framed: ByteSink
  /** Anomalies met after the head, offsets within the message. */
  readonly log: AnomalyLog
  readonly chunked: ChunkedDecoder | undefined
  /** Body bytes still to come ('content-length'). */
  remaining: number
  complete = true
  /** Lenient mode met a chunk size it could not read: nothing after it can be framed. */
  lost = false

  constructor(
    head: MessageHead,
    decision: FramingDecision,
    queue: ByteQueue,
    options: { mode: ParseMode; max: number },
  ) {
    this.head = head
    this.framing = decision.framing
    this.remaining = decision.length
    this.log = new AnomalyLog(options.mode, head.raw.length)
    if (decision.framing === 'chunked') {
      this.framed = new ByteSink()
      const sinks = { body: this.body, framed: this.framed }
      const base = head.raw.length
      this.chunked = new ChunkedDecoder(queue, sinks, this.log, { ...options, base })
    } else {
      this.framed = this.body
      this.chunked = undefined
    }
  }

  /** The peer closed before the framing said the message ended. */
  cutShort(): void {
    if (this.chunked !== undefined) this.framed.append(this.chunked.pending())
    this.log.add('incomplete', 'the peer closed before the body was complete', this.framed.length)
    this.complete = false
  }

  toMessage(): HttpMessage {
    const framed = this.framed.length
    return {
      head: this.head,
      framing: this.framing,
      body: this.body.view(),
      trailers: this.chunked?.trailers ?? [],
      complete: this.complete,
      raw:
        framed === 0
          ? this.head.raw
          : Buffer.concat([this.head.raw, ...this.framed.pieces()], this.head.raw.length + framed),
      anomalies: [...this.head.anomalies, ...this.log.list],
    }
  }
}
