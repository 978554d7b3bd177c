/**
 * The raw h2 client (catalog §11.1, C (h2) raw mode): over TLS with ALPN h2
 * or cleartext prior knowledge, it sends the preface and SETTINGS, ACKs the
 * peer's SETTINGS and PINGs, and otherwise writes exactly the frames it is
 * told to, HPACK-encoded by our own encoder in whatever representation each
 * field asks for. Every frame both ways is recorded with a timestamp,
 * decoded and as bytes (records, transcript()).
 */
import { TLSSocket } from 'node:tls'
import {
  createClientSocket,
  whenConnected,
  type RawClientTlsOptions,
} from '../client/connect-socket.js'
import { raceTimeout, type TimeoutValue } from '../net/deadline.js'
import { authorityOf } from '../net/loopback.js'
import { onceClose, type Started } from '../net/started.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import { CLIENT_PREFACE, SETTING } from './constants.js'
import { FrameConnection, type ClosedValue, type WaitOptions } from './frame-connection.js'
import { encodeFrame } from './frames.js'
import type { BlockItem } from './hpack-encoder.js'
import type { FrameRecord, StreamResult } from './records.js'
import { dataFrames, headerFrames, type HeaderFrameOptions } from './stream-frames.js'
import { renderFrameTranscript, type RenderOptions } from './transcript.js'

export interface H2RawClientOptions {
  readonly host: string
  readonly port: number
  /** Connection id in the transcript, e.g. "c1". */
  readonly id: string
  /** Raw bytes both ways go here too, under hop 'client'. */
  readonly transcript?: TranscriptRecorder
  /** Deadline of the connect and of every wait that names none. @default 2000 */
  readonly timeoutMs?: number
  /** Aborting it ends every pending wait as a timeout. */
  readonly signal?: AbortSignal
  /** Speak TLS (ALPN defaults to ['h2']); without it, cleartext prior knowledge. */
  readonly tls?: RawClientTlsOptions
  /**
   * Our SETTINGS after the preface.
   * @default ENABLE_PUSH 0 and INITIAL_WINDOW_SIZE 2^31-1
   */
  readonly settings?: readonly (readonly [id: number, value: number])[]
  /** Raise the connection window to 2^31-1 after SETTINGS, so no response stalls. @default true */
  readonly openWindow?: boolean
  /** Send the preface and SETTINGS on connect; false leaves every byte to the caller. @default true */
  readonly preface?: boolean
  /** ACK the peer's SETTINGS and PINGs. @default true */
  readonly autoAck?: boolean
}

/** A request on one stream; every part can be replaced to send what a conformant client would not. */
export interface H2RequestSpec {
  /** @default 'GET' */
  readonly method?: string
  /** @default '/' */
  readonly path?: string
  /** @default host:port of the connection */
  readonly authority?: string
  /** @default 'https' over TLS, else 'http' */
  readonly scheme?: string
  /** Replaces the four pseudo-header fields wholesale (order, duplicates, omissions, encodings). */
  readonly pseudo?: readonly BlockItem[]
  /** Fields after the pseudo-header fields, each in its chosen representation. */
  readonly fields?: readonly BlockItem[]
  /** Adds a content-length field with this value, whatever the body's length. */
  readonly contentLength?: number | string
  readonly body?: Buffer | string
  /** DATA frame sizes for the body (see DataFrameOptions.chunks). */
  readonly dataChunks?: number | readonly number[]
  /** Header block fragment sizes (HEADERS then CONTINUATION). */
  readonly split?: HeaderFrameOptions['split']
  /** A trailer block after the body, carrying END_STREAM. */
  readonly trailers?: readonly BlockItem[]
  /** End the stream after the request. false leaves it open (CONNECT, a body sent later). @default true */
  readonly endStream?: boolean
  /** @default the next unused odd id */
  readonly streamId?: number
}

export interface H2RawClient extends Started {
  readonly id: string
  /** The ALPN protocol the server chose (TLS), false when none, undefined for cleartext. */
  readonly alpnProtocol: string | false | undefined
  /** The frame layer: encoder, decoder, records, every send and wait. */
  readonly connection: FrameConnection
  /** Every frame both ways, in order. */
  readonly records: readonly FrameRecord[]
  /** The next odd stream id, reserved for the caller. */
  nextStreamId(): number
  /** Sends a request in one write; resolves with its stream id. */
  request(spec?: H2RequestSpec): Promise<number>
  waitForStreamEnd(streamId: number, options?: WaitOptions): Promise<StreamResult | TimeoutValue>
  waitForFrame(
    predicate: (record: FrameRecord) => boolean,
    options?: WaitOptions & { readonly from?: number; readonly what?: string },
  ): Promise<FrameRecord | TimeoutValue | ClosedValue>
  waitForGoaway(options?: WaitOptions): Promise<FrameRecord | TimeoutValue | ClosedValue>
  waitForClose(options?: WaitOptions): Promise<{ readonly kind: 'eof' | 'reset' } | TimeoutValue>
  /** The connection's frames as text (decoded, and hex). */
  transcript(options?: RenderOptions): string
  /** Tear down at once (idempotent). */
  destroy(): void
}

const DEFAULT_TIMEOUT_MS = 2000
const MAX_WINDOW = 2 ** 31 - 1

/**
 * Connects, and (unless preface is false) sends the preface, SETTINGS and a
 * connection WINDOW_UPDATE in one write. Resolves once connected (TLS: once
 * secure); rejects with HARNESS_TARGET_UNREACHABLE.
 *
 * @example
 * await using client = await openH2RawClient({ host: '127.0.0.1', port, id: 'c1', tls: { ca, servername: 'localhost' } })
 * const id = await client.request({ path: '/x', fields: [{ name: 'Connection', value: 'keep-alive' }] })
 * const result = await client.waitForStreamEnd(id)
 */
export async function openH2RawClient(options: H2RawClientOptions): Promise<H2RawClient> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const tls = options.tls === undefined ? undefined : { ALPNProtocols: ['h2'], ...options.tls }
  const target = { host: options.host, port: options.port, ...(tls === undefined ? {} : { tls }) }
  const socket = createClientSocket(target)
  const connection = new FrameConnection({
    socket,
    role: 'client',
    id: options.id,
    hop: 'client',
    timeoutMs,
    ...(options.transcript === undefined ? {} : { transcript: options.transcript }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.autoAck === undefined ? {} : { autoAck: options.autoAck }),
  })
  options.transcript?.record({ hop: 'client', conn: options.id, type: 'open', dir: 'to-target' })
  await whenConnected(socket, target, timeoutMs, options.signal)
  const alpnProtocol = socket instanceof TLSSocket ? (socket.alpnProtocol ?? false) : undefined
  if (options.preface !== false) {
    const settings = options.settings ?? [
      [SETTING.ENABLE_PUSH, 0],
      [SETTING.INITIAL_WINDOW_SIZE, MAX_WINDOW],
    ]
    const frames = [encodeFrame({ kind: 'SETTINGS', settings })]
    if (options.openWindow !== false) {
      frames.push(
        encodeFrame({ kind: 'WINDOW_UPDATE', streamId: 0, increment: MAX_WINDOW - 65_535 }),
      )
    }
    await connection.writeBytes(Buffer.concat([CLIENT_PREFACE, ...frames]))
  }

  let next = 1
  const nextStreamId = (): number => {
    const id = next
    next += 2
    return id
  }
  const scheme = tls === undefined ? 'http' : 'https'
  const defaultAuthority = authorityOf(options.host, options.port)
  const close = onceClose(async () => {
    connection.destroy()
    await raceTimeout('the h2 client socket to close', connection.closed, timeoutMs)
  })
  return {
    id: options.id,
    alpnProtocol,
    connection,
    records: connection.records,
    nextStreamId,
    async request(spec = {}) {
      const streamId = spec.streamId ?? nextStreamId()
      if (streamId >= next) next = streamId + (streamId % 2 === 1 ? 2 : 1)
      const pseudo = spec.pseudo ?? [
        { name: ':method', value: spec.method ?? 'GET' },
        { name: ':scheme', value: spec.scheme ?? scheme },
        { name: ':authority', value: spec.authority ?? defaultAuthority },
        { name: ':path', value: spec.path ?? '/' },
      ]
      const fields: BlockItem[] = [...pseudo, ...(spec.fields ?? [])]
      if (spec.contentLength !== undefined) {
        fields.push({ name: 'content-length', value: String(spec.contentLength) })
      }
      const body = typeof spec.body === 'string' ? Buffer.from(spec.body, 'latin1') : spec.body
      const end = spec.endStream !== false
      const hasBody = body !== undefined && body.length > 0
      const hasTrailers = spec.trailers !== undefined
      const block = connection.encodeBlock(fields)
      const frames = headerFrames(streamId, block, {
        endStream: end && !hasBody && !hasTrailers,
        ...(spec.split === undefined ? {} : { split: spec.split }),
      })
      if (hasBody) {
        frames.push(
          ...dataFrames(streamId, body, {
            endStream: end && !hasTrailers,
            ...(spec.dataChunks === undefined ? {} : { chunks: spec.dataChunks }),
          }),
        )
      }
      if (spec.trailers !== undefined) {
        frames.push(
          ...headerFrames(streamId, connection.encodeBlock(spec.trailers), { endStream: end }),
        )
      }
      await connection.send(frames)
      return streamId
    },
    waitForStreamEnd: (streamId, o) => connection.waitForStreamEnd(streamId, o),
    waitForFrame: (predicate, o) => connection.waitForFrame(predicate, o),
    waitForGoaway: (o) => connection.waitForGoaway(o),
    waitForClose: (o) => connection.waitForClose(o),
    transcript: (o) => renderFrameTranscript(connection.records, o),
    destroy: () => connection.destroy(),
    close,
    [Symbol.asyncDispose]: close,
  }
}
