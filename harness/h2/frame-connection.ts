/**
 * One HTTP/2 connection at the frame layer, shared by the raw client and the
 * raw origin: every frame in and out parsed, timestamped and kept (header
 * blocks HPACK-decoded by our own decoder before anything validates them),
 * the peer's SETTINGS and PINGs acknowledged, byte-exact writes, and waits
 * that resolve with the thing or a TimeoutValue. It enforces nothing:
 * flow control, stream states and frame sizes are the caller's business.
 */
import type { Socket } from 'node:net'
import { raceTimeout, type TimeoutValue } from '../net/deadline.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import type { Hop } from '../net/wire-event.js'
import { ERROR_CODE, FLAG, SETTING } from './constants.js'
import { encodeFrame, FrameParser, type FrameSpec, type ParsedFrame } from './frames.js'
import { HpackDecoder } from './hpack-decoder.js'
import { HpackEncoder, type BlockItem } from './hpack-encoder.js'
import {
  dataFrames,
  headerFrames,
  type DataFrameOptions,
  type HeaderFrameOptions,
} from './stream-frames.js'
import { streamResult, type FrameRecord, type HeaderBlock, type StreamResult } from './records.js'

export interface FrameConnectionOptions {
  readonly socket: Socket
  /** 'server' expects the client preface before the first frame. */
  readonly role: 'client' | 'server'
  readonly id: string
  readonly hop: Hop
  readonly transcript?: TranscriptRecorder
  /** Deadline of every wait that names none. */
  readonly timeoutMs: number
  readonly signal?: AbortSignal
  /** ACK the peer's SETTINGS and PINGs. @default true */
  readonly autoAck?: boolean
  /** Called after each received frame is recorded (and waits are woken). */
  readonly onFrame?: (record: FrameRecord) => void
}

export interface WaitOptions {
  /** @default the connection's timeoutMs */
  readonly timeoutMs?: number
}

/** A wait ended because the peer closed the connection first. */
export interface ClosedValue {
  readonly kind: 'closed'
  readonly how: 'eof' | 'reset'
}

/** How the peer's side of the socket ended. */
export type PeerState = 'open' | 'eof' | 'reset'

interface Waiter {
  readonly check: () => boolean
  readonly wake: () => void
}

export class FrameConnection {
  readonly id: string
  readonly socket: Socket
  /** Encodes what we send; its table mirrors the peer's decoder. */
  readonly encoder = new HpackEncoder()
  /** Decodes what the peer sends. */
  readonly decoder = new HpackDecoder()
  /** Every frame both ways, in order. */
  readonly records: FrameRecord[] = []
  readonly #options: FrameConnectionOptions
  readonly #inParser: FrameParser
  readonly #outParser: FrameParser
  /** Decodes our own header blocks for the transcript (mirrors the peer's table). */
  readonly #outDecoder = new HpackDecoder()
  readonly #pending: { in: PendingBlock | undefined; out: PendingBlock | undefined } = {
    in: undefined,
    out: undefined,
  }
  readonly #waiters = new Set<Waiter>()
  #seq = 0
  #sizeUpdate: number | undefined
  #peer: PeerState = 'open'
  readonly closed: Promise<void>

  constructor(options: FrameConnectionOptions) {
    this.#options = options
    this.id = options.id
    this.socket = options.socket
    this.#inParser = new FrameParser({ expectPreface: options.role === 'server' })
    this.#outParser = new FrameParser({ expectPreface: options.role === 'client' })
    const { socket } = options
    socket.on('data', (chunk: Buffer) => {
      const before = this.records.length
      options.transcript?.data(options.hop, options.id, 'from-target', chunk)
      for (const parsed of this.#inParser.push(chunk)) this.#received(parsed)
      this.#wake()
      const last = this.records.length
      for (let i = before; i < last; i++) {
        const record = this.records[i]
        if (record?.dir === 'received') options.onFrame?.(record)
      }
    })
    socket.on('end', () => {
      if (this.#peer === 'open') this.#peer = 'eof'
      options.transcript?.record({
        hop: options.hop,
        conn: options.id,
        type: 'end',
        dir: 'from-target',
      })
      this.#wake()
    })
    socket.on('error', (error: Error & { code?: string }) => {
      if (this.#peer === 'open') this.#peer = 'reset'
      options.transcript?.record({
        hop: options.hop,
        conn: options.id,
        type: error.code === 'ECONNRESET' ? 'reset' : 'error',
        detail: error.message,
      })
      this.#wake()
    })
    this.closed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        if (this.#peer === 'open') this.#peer = 'eof'
        options.transcript?.record({ hop: options.hop, conn: options.id, type: 'close' })
        this.#wake()
        resolve()
      })
    })
  }

  get peerState(): PeerState {
    return this.#peer
  }

  /** What came instead of the client preface (server role), if it did not come. */
  get prefaceError(): Buffer | undefined {
    return this.#inParser.prefaceError
  }

  received(): FrameRecord[] {
    return this.records.filter((r) => r.dir === 'received')
  }

  /** Writes bytes exactly as given (one socket write); frames among them are recorded as sent. */
  async writeBytes(bytes: Buffer): Promise<void> {
    const { socket } = this
    if (socket.destroyed || socket.writableEnded) return
    this.#options.transcript?.data(this.#options.hop, this.id, 'to-target', bytes)
    for (const parsed of this.#outParser.push(bytes)) this.#record('sent', parsed)
    await new Promise<void>((resolve) => {
      socket.write(bytes, () => resolve())
    })
  }

  /** Encodes and writes frames, all in one socket write. */
  send(frames: FrameSpec | readonly FrameSpec[]): Promise<void> {
    const list: readonly FrameSpec[] = Array.isArray(frames) ? frames : [frames as FrameSpec]
    return this.writeBytes(Buffer.concat(list.map(encodeFrame)))
  }

  /** Encodes `items` with this connection's encoder and sends the block (split as asked). */
  sendHeaders(
    streamId: number,
    items: readonly BlockItem[],
    options: HeaderFrameOptions = {},
  ): Promise<void> {
    return this.send(headerFrames(streamId, this.encodeBlock(items), options))
  }

  /**
   * Encodes one header block with this connection's encoder. When the peer's
   * SETTINGS_HEADER_TABLE_SIZE shrank the table below what the encoder used,
   * the block starts with the size update RFC 7541 §4.2 requires, unless the
   * items already start with one.
   */
  encodeBlock(items: readonly BlockItem[]): Buffer {
    const update = this.#sizeUpdate
    this.#sizeUpdate = undefined
    const first = items[0]
    if (update === undefined || (first !== undefined && 'sizeUpdate' in first)) {
      return this.encoder.encode(items)
    }
    return this.encoder.encode([{ sizeUpdate: update }, ...items])
  }

  /** Sends `data` as DATA frames of the chosen sizes (flow control is not checked). */
  sendData(streamId: number, data: Buffer | string, options: DataFrameOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    return this.send(dataFrames(streamId, bytes, options))
  }

  sendRst(streamId: number, errorCode: number = ERROR_CODE.CANCEL): Promise<void> {
    return this.send({ kind: 'RST_STREAM', streamId, errorCode })
  }

  sendGoaway(
    lastStreamId: number,
    errorCode: number = ERROR_CODE.NO_ERROR,
    debug?: string,
  ): Promise<void> {
    return this.send({
      kind: 'GOAWAY',
      lastStreamId,
      errorCode,
      ...(debug === undefined ? {} : { debug }),
    })
  }

  sendWindowUpdate(streamId: number, increment: number): Promise<void> {
    return this.send({ kind: 'WINDOW_UPDATE', streamId, increment })
  }

  sendPing(opaque: Buffer = Buffer.alloc(8)): Promise<void> {
    return this.send({ kind: 'PING', opaque })
  }

  /** The peer's first SETTINGS frame (not an ACK); a ClosedValue when it closes first. */
  waitForSettings(options: WaitOptions = {}): Promise<FrameRecord | TimeoutValue | ClosedValue> {
    return this.waitForFrame((r) => r.frame.kind === 'SETTINGS' && !r.frame.ack, {
      ...options,
      what: "the peer's SETTINGS",
    })
  }

  /**
   * The first received record (from index `from`) matching, as soon as there
   * is one; a ClosedValue when the peer closes first.
   */
  async waitForFrame(
    predicate: (record: FrameRecord) => boolean,
    options: WaitOptions & { readonly from?: number; readonly what?: string } = {},
  ): Promise<FrameRecord | TimeoutValue | ClosedValue> {
    const find = (): FrameRecord | undefined =>
      this.records.slice(options.from ?? 0).find((r) => r.dir === 'received' && predicate(r))
    const timeout = await this.#wait(
      options.what ?? 'a matching frame',
      options.timeoutMs,
      () => find() !== undefined || this.#peer !== 'open',
    )
    return timeout ?? find() ?? { kind: 'closed', how: this.#peer === 'reset' ? 'reset' : 'eof' }
  }

  /**
   * Resolves when the stream's incoming side ends: END_STREAM, RST_STREAM,
   * a GOAWAY whose last stream id is below it, or the connection closing.
   */
  waitForStreamEnd(
    streamId: number,
    options: WaitOptions = {},
  ): Promise<StreamResult | TimeoutValue> {
    let end: StreamResult['end'] | undefined
    return this.#wait(`stream ${streamId} to end`, options.timeoutMs, () => {
      end = this.#streamEnd(streamId)
      return end !== undefined
    }).then((t) => t ?? streamResult(streamId, this.records, end ?? 'closed'))
  }

  /** The peer's GOAWAY; a ClosedValue when it closes without one. */
  waitForGoaway(options: WaitOptions = {}): Promise<FrameRecord | TimeoutValue | ClosedValue> {
    return this.waitForFrame((r) => r.frame.kind === 'GOAWAY', { ...options, what: 'a GOAWAY' })
  }

  /** Resolves when the peer closes the socket. */
  async waitForClose(
    options: WaitOptions = {},
  ): Promise<{ readonly kind: 'eof' | 'reset' } | TimeoutValue> {
    const t = await this.#wait('the peer to close', options.timeoutMs, () => this.#peer !== 'open')
    return t ?? { kind: this.#peer === 'reset' ? 'reset' : 'eof' }
  }

  destroy(): void {
    this.socket.destroy()
    this.#wake()
  }

  #streamEnd(streamId: number): StreamResult['end'] | undefined {
    for (const r of this.records) {
      if (r.dir !== 'received') continue
      const f = r.frame
      if (f.header.streamId === streamId) {
        if (f.kind === 'RST_STREAM') return 'reset'
        if (f.kind === 'DATA' && (f.header.flags & FLAG.END_STREAM) !== 0) return 'end-stream'
        // END_STREAM on HEADERS counts once its block is complete (END_HEADERS).
        if (r.block?.via === 'HEADERS' && r.block.endStream) return 'end-stream'
      }
      if (f.kind === 'GOAWAY' && f.lastStreamId < streamId) return 'goaway'
    }
    return this.#peer === 'open' ? undefined : 'closed'
  }

  /** Resolves undefined once `check` holds, or with the TimeoutValue. */
  async #wait(
    what: string,
    timeoutMs: number | undefined,
    check: () => boolean,
  ): Promise<TimeoutValue | undefined> {
    if (check()) return undefined
    let waiter: Waiter | undefined
    const done = new Promise<void>((resolve) => {
      waiter = { check, wake: resolve }
      this.#waiters.add(waiter)
    })
    try {
      const result = await raceTimeout(
        what,
        done,
        timeoutMs ?? this.#options.timeoutMs,
        this.#options.signal,
      )
      return result === undefined ? undefined : result
    } finally {
      if (waiter !== undefined) this.#waiters.delete(waiter)
    }
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.check()) {
        this.#waiters.delete(waiter)
        waiter.wake()
      }
    }
  }

  #received(parsed: ParsedFrame): void {
    this.#record('received', parsed)
    const settings = parsed.frame.kind === 'SETTINGS' ? parsed.frame.settings : []
    for (const [id, value] of settings) {
      if (id === SETTING.HEADER_TABLE_SIZE && value < this.encoder.table.maxSize) {
        this.#sizeUpdate = value
      }
    }
    if (this.#options.autoAck === false) return
    const f = parsed.frame
    if (f.kind === 'SETTINGS' && !f.ack) void this.send({ kind: 'SETTINGS', ack: true })
    if (f.kind === 'PING' && !f.ack) void this.send({ kind: 'PING', ack: true, opaque: f.opaque })
  }

  #record(dir: 'sent' | 'received', { frame, bytes }: ParsedFrame): void {
    const side = dir === 'sent' ? 'out' : 'in'
    let block: HeaderBlock | undefined
    const endHeaders = (frame.header.flags & FLAG.END_HEADERS) !== 0
    if (frame.kind === 'HEADERS' || frame.kind === 'PUSH_PROMISE') {
      const pending: PendingBlock = {
        streamId: frame.header.streamId,
        via: frame.kind,
        endStream: frame.kind === 'HEADERS' && (frame.header.flags & FLAG.END_STREAM) !== 0,
        fragments: [frame.fragment],
      }
      this.#pending[side] = pending
      if (endHeaders) block = this.#finish(side)
    } else if (frame.kind === 'CONTINUATION') {
      const pending = this.#pending[side]
      pending?.fragments.push(frame.fragment)
      if (pending !== undefined && endHeaders) block = this.#finish(side)
    }
    this.records.push({
      seq: this.#seq++,
      at: performance.now(),
      dir,
      frame,
      bytes,
      ...(block === undefined ? {} : { block }),
    })
  }

  #finish(side: 'in' | 'out'): HeaderBlock | undefined {
    const pending = this.#pending[side]
    this.#pending[side] = undefined
    if (pending === undefined) return undefined
    const decoder = side === 'in' ? this.decoder : this.#outDecoder
    const decoded = decoder.decode(Buffer.concat(pending.fragments))
    return {
      ...decoded,
      streamId: pending.streamId,
      endStream: pending.endStream,
      via: pending.via,
    }
  }
}

interface PendingBlock {
  readonly streamId: number
  readonly via: 'HEADERS' | 'PUSH_PROMISE'
  readonly endStream: boolean
  readonly fragments: Buffer[]
}
