/**
 * One client connection of the h2 front (RFC 9113 §3.4, §5, §6): the
 * client preface, our SETTINGS first, the stream table and its states,
 * header blocks (HEADERS + CONTINUATION, decoded by FrameConnection),
 * flow control both ways, the stream limit, and GOAWAY on connection
 * errors and when the front stops. Each accepted request stream becomes a
 * RequestStream or a ConnectStream.
 */
import type { Socket } from 'node:net'
import { ERROR_CODE, FLAG, SETTING } from '../../h2/constants.js'
import { FrameConnection } from '../../h2/frame-connection.js'
import type { FrameRecord } from '../../h2/records.js'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import { ConnectStream } from './connect-stream.js'
import { Outbound, WindowOverflow } from './outbound.js'
import { splitRequestBlock } from './request-checks.js'
import { rejectStream, RequestStream } from './request-stream.js'
import type { H2FrontSteps } from './steps/index.js'
import type { FrontStream, StreamHost } from './stream-host.js'
import type { FrontMode, H2Field, InternalTarget } from './types.js'
import type { H2UpstreamPool } from './upstream-pool.js'
import { UpstreamRequest } from './upstream-request.js'

export interface SessionConfig {
  readonly steps: H2FrontSteps
  readonly mode: FrontMode
  readonly internal: InternalTarget
  readonly tracker: ConnectionTracker
  /** An idle connection (no stream open) gets GOAWAY and is closed after this long. */
  readonly idleTimeoutMs: number
  /** Called once the connection is closed. */
  readonly onClose: () => void
  /** Request streams go to this h2 origin (upstream-request.ts) instead of the HTTP/1.1 proxy. */
  readonly upstream?: H2UpstreamPool | undefined
}

const OUR_MAX_FRAME_SIZE = 16_384
const MAX_WINDOW = 2 ** 31 - 1

/** A connection error (RFC 9113 §5.4.1): GOAWAY with this code, then close. */
class ConnectionError extends Error {
  readonly code: number
  constructor(code: number, message: string) {
    super(message)
    this.code = code
  }
}

export class H2Session implements StreamHost {
  readonly steps: H2FrontSteps
  readonly out: Outbound
  readonly mode: FrontMode
  readonly internal: InternalTarget
  readonly tracker: ConnectionTracker
  readonly window: number
  readonly #connection: FrameConnection
  readonly #socket: Socket
  readonly #streams = new Map<number, FrontStream>()
  /** Streams whose client side ended (END_STREAM): DATA after it is a stream error. */
  readonly #remoteEnded = new Set<number>()
  /** Stream receive windows we granted (RFC 9113 §6.9). */
  readonly #recvWindows = new Map<number, number>()
  readonly #connectProtocol: boolean
  readonly #maxStreams: number
  readonly #upstream: H2UpstreamPool | undefined
  #highestSeen = 0
  #lastProcessed = 0
  /** A header block in progress (HEADERS without END_HEADERS): its stream. */
  #continuation: number | undefined
  #goingAway = false
  #closed = false
  readonly closed: Promise<void>

  constructor(socket: Socket, config: SessionConfig) {
    this.#socket = socket
    this.steps = config.steps
    this.mode = config.mode
    this.internal = config.internal
    this.tracker = config.tracker
    this.#upstream = config.upstream
    const settings = config.steps.serverSettings()
    const setting = (id: number): number | undefined => settings.find(([i]) => i === id)?.[1]
    this.window = setting(SETTING.INITIAL_WINDOW_SIZE) ?? 65_535
    this.#connectProtocol = setting(SETTING.ENABLE_CONNECT_PROTOCOL) === 1
    this.#maxStreams = setting(SETTING.MAX_CONCURRENT_STREAMS) ?? MAX_WINDOW
    socket.setNoDelay(true)
    socket.on('error', () => undefined)
    this.#connection = new FrameConnection({
      socket,
      role: 'server',
      id: 'h2-front',
      hop: 'client',
      timeoutMs: config.idleTimeoutMs,
      onFrame: (record) => this.#onFrameSafe(record),
    })
    this.out = new Outbound(this.#connection, config.steps)
    this.closed = this.#connection.closed.then(() => {
      this.#closed = true
      for (const stream of this.#streams.values()) stream.abort()
      this.#streams.clear()
      config.onClose()
    })
    // After FrameConnection's own listener: the preface it could not find is a connection error.
    socket.on('data', () => {
      const received = this.#connection.prefaceError
      if (received !== undefined && !this.#goingAway && this.steps.invalidPreface(received)) {
        this.#connectionError(
          new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, 'invalid connection preface'),
        )
      }
    })
    socket.setTimeout(config.idleTimeoutMs, () => {
      if (this.#streams.size === 0) void this.goaway(ERROR_CODE.NO_ERROR)
    })
    // RFC 9113 §3.4: our SETTINGS are the first frame, before anything the client sent is read.
    void this.#connection.send({ kind: 'SETTINGS', settings })
    socket.resume()
  }

  /** Streams open now. */
  get active(): number {
    return this.#streams.size
  }

  consumed(streamId: number, n: number): void {
    if (n <= 0 || this.#closed || !this.#streams.has(streamId) || this.#remoteEnded.has(streamId))
      return
    this.#recvWindows.set(streamId, (this.#recvWindows.get(streamId) ?? 0) + n)
    void this.#connection.sendWindowUpdate(streamId, n)
  }

  finished(streamId: number): void {
    this.#streams.delete(streamId)
    this.#recvWindows.delete(streamId)
    this.#remoteEnded.delete(streamId)
    if (this.#goingAway && this.#streams.size === 0) this.#end()
  }

  /**
   * GOAWAY with the last stream we processed (RFC 9113 §6.8): no stream
   * above it is processed; the connection closes once the accepted streams
   * finish (NO_ERROR) or at once (an error code).
   */
  async goaway(code: number, debug?: string): Promise<void> {
    if (this.#closed) return
    const first = !this.#goingAway
    this.#goingAway = true
    if (first) await this.#connection.sendGoaway(this.#lastProcessed, code, debug)
    if (code !== ERROR_CODE.NO_ERROR) {
      for (const stream of this.#streams.values()) stream.abort()
      this.#streams.clear()
    }
    if (this.#streams.size === 0) this.#end()
  }

  /** Closes at once (the front is stopping and its grace period is over). */
  destroy(): void {
    for (const stream of this.#streams.values()) stream.abort()
    this.#streams.clear()
    this.#socket.destroy()
  }

  #end(): void {
    if (this.#socket.destroyed) return
    this.#socket.end()
    // What the client still sends is read and dropped until its FIN or a short linger.
    this.#socket.setTimeout(1000, () => this.#socket.destroy())
    this.#socket.once('end', () => this.#socket.destroy())
  }

  #connectionError(error: ConnectionError): void {
    void this.goaway(error.code, error.message)
  }

  #onFrameSafe(record: FrameRecord): void {
    if (this.#closed) return
    try {
      this.#onFrame(record)
    } catch (error) {
      if (error instanceof ConnectionError) this.#connectionError(error)
      else if (error instanceof WindowOverflow)
        this.#connectionError(new ConnectionError(ERROR_CODE.FLOW_CONTROL_ERROR, error.message))
      else this.#connectionError(new ConnectionError(ERROR_CODE.INTERNAL_ERROR, String(error)))
    }
  }

  #onFrame(record: FrameRecord): void {
    const { frame } = record
    const streamId = frame.header.streamId
    if (
      this.#continuation !== undefined &&
      (frame.kind !== 'CONTINUATION' || streamId !== this.#continuation)
    )
      throw new ConnectionError(
        ERROR_CODE.PROTOCOL_ERROR,
        'a header block interrupted (RFC 9113 §6.10)',
      )
    if (frame.header.length > OUR_MAX_FRAME_SIZE)
      throw new ConnectionError(
        ERROR_CODE.FRAME_SIZE_ERROR,
        `a frame of ${frame.header.length} octets`,
      )
    switch (frame.kind) {
      case 'MALFORMED':
        throw new ConnectionError(ERROR_CODE.FRAME_SIZE_ERROR, frame.problem)
      case 'HEADERS':
      case 'CONTINUATION': {
        if (streamId === 0)
          throw new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, `${frame.kind} on stream 0`)
        if (frame.kind === 'CONTINUATION' && this.#continuation === undefined)
          throw new ConnectionError(
            ERROR_CODE.PROTOCOL_ERROR,
            'CONTINUATION without a header block',
          )
        const endHeaders = (frame.header.flags & FLAG.END_HEADERS) !== 0
        this.#continuation = endHeaders ? undefined : streamId
        if (record.block === undefined) return
        if (record.block.error !== undefined)
          throw new ConnectionError(ERROR_CODE.COMPRESSION_ERROR, record.block.error)
        this.#onBlock(streamId, record.block.fields, record.block.endStream)
        return
      }
      case 'DATA':
        this.#onData(
          streamId,
          frame.data,
          frame.header.length,
          (frame.header.flags & FLAG.END_STREAM) !== 0,
        )
        return
      case 'RST_STREAM': {
        if (streamId === 0)
          throw new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, 'RST_STREAM on stream 0')
        if (streamId > this.#highestSeen)
          throw new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, 'RST_STREAM on an idle stream')
        const stream = this.#streams.get(streamId)
        this.out.forget(streamId)
        stream?.onClientReset()
        this.finished(streamId)
        return
      }
      case 'SETTINGS':
        if (streamId !== 0)
          throw new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, 'SETTINGS on a stream')
        if (frame.ack) return
        for (const [id, value] of frame.settings) {
          if (id === SETTING.INITIAL_WINDOW_SIZE) {
            if (value > MAX_WINDOW)
              throw new ConnectionError(
                ERROR_CODE.FLOW_CONTROL_ERROR,
                'INITIAL_WINDOW_SIZE above 2^31-1',
              )
            this.out.setInitialWindow(value)
          }
          if (id === SETTING.MAX_FRAME_SIZE) {
            if (value < 16_384 || value > 16_777_215)
              throw new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, `MAX_FRAME_SIZE ${value}`)
            this.out.maxFrameSize = value
          }
        }
        return
      case 'WINDOW_UPDATE':
        if (frame.increment === 0) {
          if (streamId === 0)
            throw new ConnectionError(
              ERROR_CODE.PROTOCOL_ERROR,
              'WINDOW_UPDATE of 0 on the connection',
            )
          this.#streams.get(streamId)?.abort()
          this.#streams.delete(streamId)
          this.out.resetNow(streamId, ERROR_CODE.PROTOCOL_ERROR)
          return
        }
        try {
          this.out.credit(streamId, frame.increment)
        } catch (error) {
          if (!(error instanceof WindowOverflow) || streamId === 0) throw error
          this.#streams.get(streamId)?.abort()
          this.#streams.delete(streamId)
          this.out.resetNow(streamId, ERROR_CODE.FLOW_CONTROL_ERROR)
        }
        return
      case 'PUSH_PROMISE':
        throw new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, 'PUSH_PROMISE from a client')
      case 'GOAWAY':
        // The client stops: the streams it sent finish, then the connection closes.
        void this.goaway(ERROR_CODE.NO_ERROR)
        return
      case 'PING':
      case 'PRIORITY':
      case 'UNKNOWN':
        return
    }
  }

  #onBlock(streamId: number, fields: readonly H2Field[], endStream: boolean): void {
    const existing = this.#streams.get(streamId)
    if (existing !== undefined) {
      if (endStream) this.#remoteEnded.add(streamId)
      existing.onHeaders(fields, endStream)
      return
    }
    if (streamId <= this.#highestSeen) return // a stream already closed (RFC 9113 §5.1: ignored here)
    if (streamId % 2 === 0)
      throw new ConnectionError(
        ERROR_CODE.PROTOCOL_ERROR,
        `a client stream with the even id ${streamId}`,
      )
    this.#highestSeen = streamId
    // RFC 9113 §6.8: after GOAWAY, streams above the last processed one are not processed.
    if (this.#goingAway) return
    if (this.steps.streamLimit(this.#streams.size, this.#maxStreams)) {
      void this.#connection.sendRst(streamId, ERROR_CODE.REFUSED_STREAM)
      return
    }
    this.#lastProcessed = streamId
    if (endStream) this.#remoteEnded.add(streamId)
    this.#recvWindows.set(streamId, this.window)
    const stream = this.#openStream(streamId, fields, endStream)
    if (stream !== undefined) this.#streams.set(streamId, stream)
  }

  /** The stream for an accepted request block; undefined when it was refused as malformed. */
  #openStream(
    streamId: number,
    fields: readonly H2Field[],
    endStream: boolean,
  ): FrontStream | undefined {
    const { steps } = this
    const rejected = (problem: string): undefined => {
      this.out.open(streamId)
      rejectStream(this, streamId, problem, false)
      return undefined
    }
    const problem =
      steps.validateFieldNames(fields) ??
      steps.validateFieldValues(fields) ??
      steps.validatePseudoHeaders(fields, { connectProtocol: this.#connectProtocol }) ??
      steps.rejectConnectionSpecific(fields.filter((f) => !f.name.startsWith(':')))
    if (problem !== undefined) return rejected(problem)
    const split = splitRequestBlock(fields)
    const head = { pseudo: split.pseudo, fields: steps.joinCookies(split.fields) }
    const lengths = head.fields.filter((f) => f.name === 'content-length').map((f) => f.value)
    const lengthProblem = steps.checkContentLength(lengths, 0, endStream)
    if (lengthProblem !== undefined) return rejected(lengthProblem)
    if (head.pseudo.method === 'CONNECT') {
      const opened = ConnectStream.open(this, streamId, head, endStream)
      if ('problem' in opened) return rejected(opened.problem)
      return 'stream' in opened ? opened.stream : undefined
    }
    const host = steps.hostFromAuthority(head)
    if ('problem' in host) return rejected(host.problem)
    if (this.#upstream !== undefined)
      return new UpstreamRequest(this, this.#upstream, streamId, head, host.host, endStream)
    return new RequestStream(this, streamId, head, host.host, endStream)
  }

  #onData(streamId: number, data: Buffer, flowLength: number, endStream: boolean): void {
    if (streamId === 0) throw new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, 'DATA on stream 0')
    if (streamId > this.#highestSeen)
      throw new ConnectionError(ERROR_CODE.PROTOCOL_ERROR, 'DATA on an idle stream')
    // The connection window is given back at once; each stream's window bounds what it holds.
    if (flowLength > 0) void this.#connection.sendWindowUpdate(0, flowLength)
    const stream = this.#streams.get(streamId)
    if (stream === undefined) return
    if (this.#remoteEnded.has(streamId)) {
      stream.abort()
      this.#streams.delete(streamId)
      this.out.resetNow(streamId, ERROR_CODE.STREAM_CLOSED)
      return
    }
    const window = (this.#recvWindows.get(streamId) ?? 0) - flowLength
    this.#recvWindows.set(streamId, window)
    if (window < 0) {
      stream.abort()
      this.#streams.delete(streamId)
      this.out.resetNow(streamId, ERROR_CODE.FLOW_CONTROL_ERROR)
      return
    }
    if (endStream) this.#remoteEnded.add(streamId)
    stream.onData(data, flowLength, endStream)
  }
}
