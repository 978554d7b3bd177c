/**
 * What the front sends on one connection, stream by stream: each stream has
 * its own queue (header blocks, DATA, a reset), and a pump sends from every
 * queue in turn as far as the client's windows allow (RFC 9113 §5.2, §6.9):
 * one blocked stream waits alone, the others go on. Header blocks are
 * encoded as they are written, so HPACK state follows the wire order.
 */
import type { FrameConnection } from '../../h2/frame-connection.js'
import type { FrameSpec } from '../../h2/frames.js'
import { headerFrames } from '../../h2/stream-frames.js'
import type { H2FrontSteps } from './steps/index.js'
import type { H2Field } from './types.js'

type OutItem =
  | { readonly kind: 'headers'; readonly fields: readonly H2Field[]; readonly endStream: boolean }
  | { kind: 'data'; data: Buffer; readonly endStream: boolean }
  | { readonly kind: 'rst'; readonly code: number }

interface StreamOut {
  window: number
  readonly queue: OutItem[]
  queued: number
  /** Called when the queued DATA drops below the low-water mark (resume reading the source). */
  onDrain: (() => void) | undefined
  /** Called once the queue sent END_STREAM or RST_STREAM. */
  onDone: (() => void) | undefined
}

const MAX_WINDOW = 2 ** 31 - 1
/** Queued DATA per stream above which its source is paused, and below which it resumes. */
export const HIGH_WATER = 256 * 1024
const SOCKET_HIGH_WATER = 1024 * 1024

/** A window that would exceed 2^31-1 (RFC 9113 §6.9.1): a FLOW_CONTROL_ERROR. */
export class WindowOverflow extends Error {}

export class Outbound {
  connectionWindow = 65_535
  /** The client's SETTINGS_INITIAL_WINDOW_SIZE. */
  #initialWindow = 65_535
  maxFrameSize = 16_384
  readonly #streams = new Map<number, StreamOut>()
  readonly #connection: FrameConnection
  readonly #steps: H2FrontSteps
  #pumping = false
  #waitingDrain = false

  constructor(connection: FrameConnection, steps: H2FrontSteps) {
    this.#connection = connection
    this.#steps = steps
  }

  /** Registers a stream the front will answer on. */
  open(streamId: number, callbacks: { onDone?: () => void } = {}): void {
    this.#streams.set(streamId, {
      window: this.#initialWindow,
      queue: [],
      queued: 0,
      onDrain: undefined,
      onDone: callbacks.onDone,
    })
  }

  /** DATA queued on the stream and not sent yet. */
  queued(streamId: number): number {
    return this.#streams.get(streamId)?.queued ?? 0
  }

  /** Calls `resume` once the stream's queue is below the low-water mark. */
  onDrain(streamId: number, resume: () => void): void {
    const out = this.#streams.get(streamId)
    if (out === undefined) return
    out.onDrain = resume
  }

  headers(streamId: number, fields: readonly H2Field[], endStream: boolean): void {
    this.#push(streamId, { kind: 'headers', fields, endStream })
  }

  data(streamId: number, data: Buffer, endStream: boolean): void {
    this.#push(streamId, { kind: 'data', data, endStream })
  }

  /** Resets the stream after what is queued (a response before the reset, RFC 9113 §8.1.1). */
  reset(streamId: number, code: number): void {
    this.#push(streamId, { kind: 'rst', code })
  }

  /** Resets the stream now: what is queued is dropped. */
  resetNow(streamId: number, code: number): void {
    const out = this.#streams.get(streamId)
    if (out !== undefined) {
      out.queue.length = 0
      out.queued = 0
    }
    this.#push(streamId, { kind: 'rst', code })
  }

  /** Drops what is queued on the stream (nothing of it was sent). */
  clear(streamId: number): void {
    const out = this.#streams.get(streamId)
    if (out === undefined) return
    out.queue.length = 0
    out.queued = 0
  }

  /** The client reset the stream, or it is gone: nothing more is sent on it. */
  forget(streamId: number): void {
    this.#streams.delete(streamId)
  }

  /** WINDOW_UPDATE (RFC 9113 §6.9): stream 0 is the connection. Throws WindowOverflow. */
  credit(streamId: number, increment: number): void {
    if (streamId === 0) {
      if (this.connectionWindow + increment > MAX_WINDOW) throw new WindowOverflow('connection')
      this.connectionWindow += increment
    } else {
      const out = this.#streams.get(streamId)
      if (out === undefined) return
      if (out.window + increment > MAX_WINDOW) throw new WindowOverflow(`stream ${streamId}`)
      out.window += increment
    }
    this.pump()
  }

  /** SETTINGS_INITIAL_WINDOW_SIZE changed (RFC 9113 §6.9.2): every stream window moves by the difference. */
  setInitialWindow(value: number): void {
    const delta = value - this.#initialWindow
    this.#initialWindow = value
    for (const out of this.#streams.values()) {
      if (out.window + delta > MAX_WINDOW) throw new WindowOverflow('initial window')
      out.window += delta
    }
    this.pump()
  }

  #push(streamId: number, item: OutItem): void {
    const out = this.#streams.get(streamId)
    if (out === undefined) {
      // A stream never opened for an answer (refused, or reset by us at once): a lone RST.
      if (item.kind === 'rst') void this.#connection.sendRst(streamId, item.code)
      return
    }
    out.queue.push(item)
    if (item.kind === 'data') out.queued += item.data.length
    this.pump()
  }

  /** Sends whatever the windows allow, every stream in turn. */
  pump(): void {
    if (this.#pumping) return
    this.#pumping = true
    try {
      let progress = true
      while (progress) {
        progress = false
        for (const [streamId, out] of [...this.#streams]) {
          if (this.#socketFull()) return
          if (this.#sendOne(streamId, out)) progress = true
        }
      }
    } finally {
      this.#pumping = false
    }
  }

  #socketFull(): boolean {
    const socket = this.#connection.socket
    if (socket.destroyed) return true
    if (socket.writableLength < SOCKET_HIGH_WATER) return false
    if (!this.#waitingDrain) {
      this.#waitingDrain = true
      socket.once('drain', () => {
        this.#waitingDrain = false
        this.pump()
      })
    }
    return true
  }

  /** Sends the head of one stream's queue, or part of it; false when blocked or empty. */
  #sendOne(streamId: number, out: StreamOut): boolean {
    const item = out.queue[0]
    if (item === undefined) return false
    let done = false
    switch (item.kind) {
      case 'headers': {
        const block = this.#connection.encodeBlock(item.fields)
        const frames: FrameSpec[] = headerFrames(streamId, block, {
          endStream: item.endStream,
          split: this.maxFrameSize,
        })
        void this.#connection.send(frames)
        out.queue.shift()
        done = item.endStream
        break
      }
      case 'rst':
        void this.#connection.sendRst(streamId, item.code)
        out.queue.length = 0
        done = true
        break
      case 'data': {
        const n = this.#steps.flowControl({
          pending: item.data.length,
          connectionWindow: this.connectionWindow,
          streamWindow: out.window,
          maxFrameSize: this.maxFrameSize,
        })
        if (n === 0 && item.data.length > 0) return false
        const chunk = item.data.subarray(0, n)
        item.data = item.data.subarray(n)
        const last = item.data.length === 0
        this.connectionWindow -= chunk.length
        out.window -= chunk.length
        out.queued -= chunk.length
        void this.#connection.send({
          kind: 'DATA',
          streamId,
          data: chunk,
          endStream: last && item.endStream,
        })
        if (last) {
          out.queue.shift()
          done = item.endStream
        }
        if (out.queued < HIGH_WATER / 2 && out.onDrain !== undefined) {
          const resume = out.onDrain
          out.onDrain = undefined
          resume()
        }
        break
      }
    }
    if (done) {
      this.#streams.delete(streamId)
      out.onDone?.()
    }
    return true
  }
}
