/**
 * The h2 front's connections to an h2 origin (RFC 9113 §3.4, §5.1.2, §5.2,
 * §6.5, §6.8, §6.9), in the client role over our frame layer: the preface
 * and SETTINGS (no push), a stream opened only once the origin's SETTINGS
 * say how many may be open (upstreamStreamLimit; requests beyond it wait in
 * order, or go on another connection, at most MAX_CONNECTIONS), request DATA
 * never beyond the origin's windows, the origin's DATA credited back as it
 * arrives, and GOAWAY and a close reported to the streams they end.
 */
import { connect, type Socket } from 'node:net'
import { CLIENT_PREFACE, ERROR_CODE, FLAG, SETTING } from '../../h2/constants.js'
import { FrameConnection } from '../../h2/frame-connection.js'
import { encodeFrame } from '../../h2/frames.js'
import type { FrameRecord } from '../../h2/records.js'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { H2FrontSteps } from './steps/index.js'
import type { H2Field } from './types.js'

/** Where the h2 origin listens (cleartext, prior knowledge). */
export interface UpstreamAddress {
  readonly host: string
  readonly port: number
}

/** What an upstream stream reports to its request stream. */
export interface UpstreamHandler {
  /** A complete header block (1xx, final, or trailers), as decoded. */
  onHeaders(fields: readonly H2Field[], endStream: boolean): void
  onData(data: Buffer, endStream: boolean): void
  /** The origin reset the stream. */
  onReset(code: number): void
  /**
   * The stream ended without a reset: the connection closed, or a GOAWAY
   * excluded it (`processed` false: the origin certainly did not process it).
   */
  onGone(processed: boolean, why: string): void
}

/** Connections the front opens to one origin at most. */
export const MAX_CONNECTIONS = 4

type Outgoing =
  | { kind: 'data'; data: Buffer; readonly endStream: boolean; readonly onSent?: () => void }
  | { readonly kind: 'trailers'; readonly fields: readonly H2Field[] }

/** One request stream toward the origin; queued until a connection has room for it. */
export class UpstreamStream {
  id = 0
  conn: UpstreamConnection | undefined
  window = 0
  readonly head: readonly H2Field[]
  readonly headEnds: boolean
  readonly handler: UpstreamHandler
  readonly queue: Outgoing[] = []
  localEnded = false
  remoteEnded = false
  closed = false
  readonly #pool: H2UpstreamPool

  constructor(
    pool: H2UpstreamPool,
    head: readonly H2Field[],
    endStream: boolean,
    handler: UpstreamHandler,
  ) {
    this.#pool = pool
    this.head = head
    this.headEnds = endStream
    this.localEnded = endStream
    this.handler = handler
  }

  /** Request DATA (END_STREAM on the last); `onSent` once it is on the wire. */
  write(data: Buffer, endStream: boolean, onSent?: () => void): void {
    if (this.closed) return
    this.queue.push({ kind: 'data', data, endStream, ...(onSent === undefined ? {} : { onSent }) })
    this.#pool.pump(this)
  }

  /** A trailer section that ends the request. */
  trailers(fields: readonly H2Field[]): void {
    if (this.closed) return
    this.queue.push({ kind: 'trailers', fields })
    this.#pool.pump(this)
  }

  /** RST_STREAM toward the origin (when it was opened) and forget the stream. */
  reset(code: number = ERROR_CODE.CANCEL): void {
    if (this.closed) return
    this.#pool.drop(this, code)
  }
}

class UpstreamConnection {
  readonly fc: FrameConnection
  ready = false
  draining = false
  gone = false
  maxStreams = Number.POSITIVE_INFINITY
  initialWindow = 65_535
  maxFrameSize = 16_384
  window = 65_535
  nextId = 1
  readonly streams = new Map<number, UpstreamStream>()

  constructor(fc: FrameConnection) {
    this.fc = fc
  }
}

export class H2UpstreamPool {
  readonly #address: UpstreamAddress
  readonly #steps: H2FrontSteps
  readonly #tracker: ConnectionTracker
  readonly #connections = new Set<UpstreamConnection>()
  readonly #waiting: UpstreamStream[] = []
  #count = 0
  #closed = false

  constructor(address: UpstreamAddress, steps: H2FrontSteps, tracker: ConnectionTracker) {
    this.#address = address
    this.#steps = steps
    this.#tracker = tracker
  }

  /** A request stream: HEADERS go out as soon as a connection has room (queued in order until then). */
  open(head: readonly H2Field[], endStream: boolean, handler: UpstreamHandler): UpstreamStream {
    const stream = new UpstreamStream(this, head, endStream, handler)
    this.#waiting.push(stream)
    this.#schedule()
    return stream
  }

  close(): void {
    this.#closed = true
    for (const conn of this.#connections) conn.fc.destroy()
  }

  /** Sends what the windows allow of a stream's queue. */
  pump(stream: UpstreamStream): void {
    const conn = stream.conn
    if (conn === undefined || stream.closed || conn.gone) return
    while (stream.queue.length > 0) {
      const item = stream.queue[0]!
      if (item.kind === 'trailers') {
        void conn.fc.sendHeaders(stream.id, plain(item.fields), {
          endStream: true,
          split: conn.maxFrameSize,
        })
        stream.queue.shift()
        this.#localEnd(stream)
        continue
      }
      const n = this.#steps.flowControl({
        pending: item.data.length,
        connectionWindow: conn.window,
        streamWindow: stream.window,
        maxFrameSize: conn.maxFrameSize,
      })
      if (n === 0 && item.data.length > 0) return
      const chunk = item.data.subarray(0, n)
      item.data = item.data.subarray(n)
      conn.window -= chunk.length
      stream.window -= chunk.length
      const last = item.data.length === 0
      void conn.fc.send({
        kind: 'DATA',
        streamId: stream.id,
        data: chunk,
        endStream: last && item.endStream,
      })
      if (!last) continue
      stream.queue.shift()
      item.onSent?.()
      if (item.endStream) this.#localEnd(stream)
    }
  }

  /** Forgets a stream (RST_STREAM toward the origin when it was opened and is not closed). */
  drop(stream: UpstreamStream, code?: number): void {
    if (stream.closed) return
    stream.closed = true
    stream.queue.length = 0
    const waiting = this.#waiting.indexOf(stream)
    if (waiting >= 0) this.#waiting.splice(waiting, 1)
    const conn = stream.conn
    if (conn !== undefined) {
      if (code !== undefined && !conn.gone) void conn.fc.sendRst(stream.id, code)
      conn.streams.delete(stream.id)
    }
    this.#schedule()
  }

  #localEnd(stream: UpstreamStream): void {
    stream.localEnded = true
    if (stream.remoteEnded) this.drop(stream)
  }

  #schedule(): void {
    if (this.#closed) return
    while (this.#waiting.length > 0) {
      const conn = [...this.#connections].find(
        (c) =>
          c.ready &&
          !c.draining &&
          !c.gone &&
          this.#steps.upstreamStreamLimit(c.streams.size, c.maxStreams),
      )
      if (conn === undefined) {
        const live = [...this.#connections].filter((c) => !c.draining && !c.gone)
        if (live.every((c) => c.ready) && live.length < MAX_CONNECTIONS) this.#connect()
        return
      }
      const stream = this.#waiting.shift()!
      this.#start(conn, stream)
    }
  }

  #start(conn: UpstreamConnection, stream: UpstreamStream): void {
    stream.conn = conn
    stream.id = conn.nextId
    conn.nextId += 2
    stream.window = conn.initialWindow
    conn.streams.set(stream.id, stream)
    void conn.fc.sendHeaders(stream.id, plain(stream.head), {
      endStream: stream.headEnds,
      split: conn.maxFrameSize,
    })
    this.pump(stream)
  }

  #connect(): void {
    this.#count += 1
    const socket: Socket = connect({ host: this.#address.host, port: this.#address.port })
    socket.setNoDelay(true)
    this.#tracker.add(socket)
    const fc = new FrameConnection({
      socket,
      role: 'client',
      id: `h2-upstream-${this.#count}`,
      hop: 'origin',
      timeoutMs: 5000,
      onFrame: (record) => this.#onFrame(conn, record),
    })
    const conn = new UpstreamConnection(fc)
    this.#connections.add(conn)
    socket.on('error', () => undefined)
    socket.once('connect', () => {
      const increment = this.#steps.upstreamConnectionWindow() - 65_535
      void fc.writeBytes(
        Buffer.concat([
          CLIENT_PREFACE,
          encodeFrame({ kind: 'SETTINGS', settings: [[SETTING.ENABLE_PUSH, 0]] }),
          ...(increment > 0
            ? [encodeFrame({ kind: 'WINDOW_UPDATE', streamId: 0, increment })]
            : []),
        ]),
      )
    })
    void fc.closed.then(() => this.#gone(conn, true, 'the origin connection closed'))
  }

  #gone(conn: UpstreamConnection, processed: boolean, why: string): void {
    conn.gone = true
    this.#connections.delete(conn)
    for (const stream of [...conn.streams.values()]) {
      this.drop(stream)
      stream.handler.onGone(processed, why)
    }
    // A connection that never got the origin's SETTINGS, and no other to wait for: the
    // requests waiting fail (a 502) rather than wait for a connection that cannot be made.
    if (!conn.ready && ![...this.#connections].some((c) => c.ready)) {
      const waiting = this.#waiting.splice(0)
      for (const stream of waiting) {
        stream.closed = true
        stream.handler.onGone(false, 'no connection to the h2 origin')
      }
    }
    this.#schedule()
  }

  #onFrame(conn: UpstreamConnection, record: FrameRecord): void {
    const f = record.frame
    const stream = conn.streams.get(f.header.streamId)
    switch (f.kind) {
      case 'SETTINGS': {
        if (f.ack) return
        for (const [id, value] of f.settings) {
          if (id === SETTING.MAX_CONCURRENT_STREAMS) conn.maxStreams = value
          if (id === SETTING.MAX_FRAME_SIZE) conn.maxFrameSize = value
          if (id === SETTING.INITIAL_WINDOW_SIZE) {
            const delta = value - conn.initialWindow
            conn.initialWindow = value
            for (const s of conn.streams.values()) s.window += delta
          }
        }
        conn.ready = true
        this.#schedule()
        for (const s of [...conn.streams.values()]) this.pump(s)
        return
      }
      case 'WINDOW_UPDATE':
        if (f.header.streamId === 0) {
          conn.window += f.increment
          for (const s of [...conn.streams.values()]) this.pump(s)
        } else if (stream !== undefined) {
          stream.window += f.increment
          this.pump(stream)
        }
        return
      case 'GOAWAY': {
        conn.draining = true
        for (const s of [...conn.streams.values()]) {
          if (s.id <= f.lastStreamId) continue
          this.drop(s)
          s.handler.onGone(false, `a GOAWAY with last-stream-id ${f.lastStreamId} excluded it`)
        }
        this.#schedule()
        return
      }
      case 'RST_STREAM':
        if (stream === undefined) return
        this.drop(stream)
        stream.handler.onReset(f.errorCode)
        return
      case 'DATA': {
        const length = f.header.length
        if (length > 0) {
          const credit = this.#steps.upstreamCredit(length)
          if (credit > 0) void conn.fc.sendWindowUpdate(0, credit)
          if (stream !== undefined && (f.header.flags & FLAG.END_STREAM) === 0)
            void conn.fc.sendWindowUpdate(stream.id, length)
        }
        if (stream === undefined) return
        const end = (f.header.flags & FLAG.END_STREAM) !== 0
        if (end) this.#remoteEnd(stream)
        stream.handler.onData(f.data, end)
        return
      }
      case 'HEADERS':
      case 'CONTINUATION': {
        // A block counts once complete (END_HEADERS): FrameConnection decoded it on that frame.
        const block = record.block
        if (block?.via !== 'HEADERS' || stream === undefined) return
        if (block.endStream) this.#remoteEnd(stream)
        stream.handler.onHeaders(plain(block.fields), block.endStream)
        return
      }
      case 'PING':
      case 'PRIORITY':
      case 'PUSH_PROMISE':
      case 'MALFORMED':
      case 'UNKNOWN':
        return
    }
  }

  #remoteEnd(stream: UpstreamStream): void {
    stream.remoteEnded = true
    if (stream.localEnded) this.drop(stream)
  }
}

/** Fields as name and value only (a decoded field carries how it was represented). */
function plain(fields: readonly H2Field[]): H2Field[] {
  return fields.map((f) => ({ name: f.name, value: f.value }))
}
