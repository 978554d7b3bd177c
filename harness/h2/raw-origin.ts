/**
 * The raw h2 origin (catalog §11.1, O2 raw mode): a frame-level server whose
 * own HPACK decoder logs every field exactly as the target sent it, BEFORE
 * anything validates it (Node's nghttp2 would reset a malformed stream and
 * hide what came), and which answers with whatever fields and frames a
 * script gives it: uppercase names, connection-specific fields, resets.
 * TLS with ALPN h2, or cleartext prior knowledge; 127.0.0.1, OS-assigned port.
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import { raceTimeout, type TimeoutValue } from '../net/deadline.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import { listenLoopback } from '../net/loopback.js'
import { onceClose, type Started } from '../net/started.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import { SETTING } from './constants.js'
import { FrameConnection } from './frame-connection.js'
import type { DecodedField } from './hpack-decoder.js'
import type { BlockItem } from './hpack-encoder.js'
import { streamResult, type FrameRecord, type HeaderBlock, type StreamEnd } from './records.js'
import type { HeaderFrameOptions } from './stream-frames.js'
import { renderFrameTranscript, type RenderOptions } from './transcript.js'

/** One request stream as the raw origin received it. */
export interface H2RawRequest {
  /** Origin connection id: "o1", "o2", ... */
  readonly conn: string
  readonly streamId: number
  /** performance.now() when its first header block was complete. */
  readonly at: number
  /** The first header block's fields, every octet as sent. */
  readonly fields: readonly DecodedField[]
  /** Every header block on the stream (the head, then trailers). */
  readonly blocks: readonly HeaderBlock[]
  readonly data: Buffer
  /** How the stream's incoming side ended; undefined while it is open. */
  readonly end: StreamEnd | undefined
  /** The first value of a field by exact (case-sensitive) name. */
  field(name: string): string | undefined
}

/** A scripted answer. Every field goes out exactly as given (no validation). */
export interface H2RawResponse {
  /** 1xx header blocks before the final one. */
  readonly informational?: readonly (readonly BlockItem[])[]
  /** The final header block, :status included. @default [:status 200] */
  readonly fields?: readonly BlockItem[]
  readonly body?: Buffer | string
  readonly dataChunks?: number | readonly number[]
  readonly split?: HeaderFrameOptions['split']
  readonly trailers?: readonly BlockItem[]
  /** Leave the stream open after the body (a tunnel). */
  readonly keepOpen?: boolean
  /** RST_STREAM with this code after whatever else was sent (alone when nothing else is given). */
  readonly rstCode?: number
  /** GOAWAY after the answer. */
  readonly goaway?: { readonly errorCode?: number; readonly lastStreamId?: number }
}

export type H2RawResponder = (
  request: H2RawRequest,
  connection: FrameConnection,
) => H2RawResponse | undefined | Promise<H2RawResponse | undefined>

export interface H2RawOriginOptions {
  /** Serve TLS with ALPN h2 with this leaf; without it, cleartext prior knowledge. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer }
  /** Our SETTINGS, before the ones openWindow and enableConnectProtocol add. @default none */
  readonly settings?: readonly (readonly [id: number, value: number])[]
  /**
   * Open the windows (INITIAL_WINDOW_SIZE 2^31-1 in our SETTINGS, and a
   * connection WINDOW_UPDATE), so no request body stalls. @default true
   */
  readonly openWindow?: boolean
  /** Advertise SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441). */
  readonly enableConnectProtocol?: boolean
  /**
   * Called once per request stream, when it ends (END_STREAM or RST_STREAM),
   * or as soon as its head is complete for CONNECT. Returning undefined sends
   * nothing (the responder may use the connection itself).
   * @default a 200 with body "ok"
   */
  readonly respond?: H2RawResponder
  readonly transcript?: TranscriptRecorder
  /** @default 'o' */
  readonly connPrefix?: string
  /** Deadline of waits and of close. @default 2000 */
  readonly timeoutMs?: number
}

export interface StartedH2RawOrigin extends Started {
  readonly host: '127.0.0.1'
  readonly port: number
  readonly connections: readonly FrameConnection[]
  /** Every request stream so far, across connections, in arrival order. */
  requests(): H2RawRequest[]
  /** The first request matching (by default only once its stream ended). */
  waitForRequest(
    predicate: (request: H2RawRequest) => boolean,
    options?: { readonly timeoutMs?: number; readonly ended?: boolean },
  ): Promise<H2RawRequest | TimeoutValue>
  /** One connection's frames as text. */
  transcript(conn: string, options?: RenderOptions): string
}

function requestOf(
  conn: FrameConnection,
  streamId: number,
  first: FrameRecord,
  end: StreamEnd | undefined,
): H2RawRequest {
  const result = streamResult(streamId, conn.records, end ?? 'closed')
  const fields = first.block?.fields ?? []
  return {
    conn: conn.id,
    streamId,
    at: first.at,
    fields,
    blocks: result.blocks,
    data: result.data,
    end,
    field: (name) => fields.find((f) => f.name === name)?.value,
  }
}

/** Streams the client opened: the first complete HEADERS block per odd stream id. */
function heads(conn: FrameConnection): FrameRecord[] {
  const seen = new Set<number>()
  return conn.records.filter((r) => {
    const b = r.block
    if (r.dir !== 'received' || b?.via !== 'HEADERS' || seen.has(b.streamId)) return false
    seen.add(b.streamId)
    return true
  })
}

function streamEnded(conn: FrameConnection, streamId: number): StreamEnd | undefined {
  for (const r of conn.records) {
    if (r.dir !== 'received' || r.frame.header.streamId !== streamId) continue
    if (r.frame.kind === 'RST_STREAM') return 'reset'
    if (r.frame.kind === 'DATA' && (r.frame.header.flags & 0x1) !== 0) return 'end-stream'
    if (r.block?.via === 'HEADERS' && r.block.endStream) return 'end-stream'
  }
  return conn.peerState === 'open' ? undefined : 'closed'
}

const MAX_WINDOW = 2 ** 31 - 1

export async function startH2RawOrigin(
  options: H2RawOriginOptions = {},
): Promise<StartedH2RawOrigin> {
  const timeoutMs = options.timeoutMs ?? 2000
  const prefix = options.connPrefix ?? 'o'
  const connections: FrameConnection[] = []
  const handled = new Map<FrameConnection, Set<number>>()
  const changes = new ChangeSignal()
  const respond: H2RawResponder = options.respond ?? (() => ({ body: 'ok' }))
  const openWindow = options.openWindow !== false
  const settings = [
    ...(options.settings ?? []),
    ...(openWindow ? [[SETTING.INITIAL_WINDOW_SIZE, MAX_WINDOW] as const] : []),
    ...(options.enableConnectProtocol === true
      ? [[SETTING.ENABLE_CONNECT_PROTOCOL, 1] as const]
      : []),
  ]

  const answer = async (conn: FrameConnection, request: H2RawRequest): Promise<void> => {
    const response = await respond(request, conn)
    if (response === undefined) return
    const id = request.streamId
    const body =
      typeof response.body === 'string' ? Buffer.from(response.body, 'latin1') : response.body
    const hasBody = body !== undefined && body.length > 0
    const open = response.keepOpen === true
    const onlyReset = response.rstCode !== undefined && response.fields === undefined && !hasBody
    for (const block of response.informational ?? []) await conn.sendHeaders(id, block)
    if (!onlyReset) {
      await conn.sendHeaders(id, response.fields ?? [{ name: ':status', value: '200' }], {
        endStream:
          !open && !hasBody && response.trailers === undefined && response.rstCode === undefined,
        ...(response.split === undefined ? {} : { split: response.split }),
      })
      if (hasBody) {
        await conn.sendData(id, body, {
          endStream: !open && response.trailers === undefined && response.rstCode === undefined,
          ...(response.dataChunks === undefined ? {} : { chunks: response.dataChunks }),
        })
      }
      if (response.trailers !== undefined)
        await conn.sendHeaders(id, response.trailers, { endStream: true })
    }
    if (response.rstCode !== undefined) await conn.sendRst(id, response.rstCode)
    if (response.goaway !== undefined) {
      await conn.sendGoaway(response.goaway.lastStreamId ?? id, response.goaway.errorCode ?? 0)
    }
  }

  const check = (conn: FrameConnection): void => {
    const done = handled.get(conn) ?? new Set<number>()
    handled.set(conn, done)
    for (const head of heads(conn)) {
      const id = head.block?.streamId ?? 0
      if (done.has(id)) continue
      const end = streamEnded(conn, id)
      const isConnect =
        head.block?.fields.some((f) => f.name === ':method' && f.value === 'CONNECT') === true
      if (end === undefined && !isConnect) continue
      if (end === 'closed') continue
      done.add(id)
      void answer(conn, requestOf(conn, id, head, end)).catch(() => undefined)
    }
    changes.notify()
  }

  let count = 0
  const onSocket = (socket: Socket): void => {
    count += 1
    // One write, one segment: no Nagle delay between an ACK and an answer.
    socket.setNoDelay(true)
    const conn = new FrameConnection({
      socket,
      role: 'server',
      id: `${prefix}${count}`,
      hop: 'origin',
      timeoutMs,
      ...(options.transcript === undefined ? {} : { transcript: options.transcript }),
      onFrame: () => check(conn),
    })
    options.transcript?.record({ hop: 'origin', conn: conn.id, type: 'open', dir: 'from-target' })
    connections.push(conn)
    socket.on('close', () => check(conn))
    void conn.send([
      { kind: 'SETTINGS', settings },
      ...(openWindow
        ? [{ kind: 'WINDOW_UPDATE', streamId: 0, increment: MAX_WINDOW - 65_535 } as const]
        : []),
    ])
  }

  const server: Server =
    options.tls === undefined
      ? createNetServer({ allowHalfOpen: true }, onSocket)
      : createTlsServer(
          { cert: options.tls.cert, key: options.tls.key, ALPNProtocols: ['h2'] },
          onSocket,
        )
  server.on('error', () => undefined)
  const address = await listenLoopback(server)

  const requests = (): H2RawRequest[] =>
    connections
      .flatMap((conn) =>
        heads(conn).map((head) => {
          const id = head.block?.streamId ?? 0
          return requestOf(conn, id, head, streamEnded(conn, id))
        }),
      )
      .sort((a, b) => a.at - b.at)

  const close = onceClose(async () => {
    server.close()
    changes.close()
    for (const conn of connections) conn.destroy()
    await raceTimeout(
      'the raw h2 origin to close',
      Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        ...connections.map((c) => c.closed),
      ]),
      timeoutMs,
    )
  })

  return {
    host: '127.0.0.1',
    port: address.port,
    connections,
    requests,
    async waitForRequest(predicate, waitOptions = {}) {
      const ended = waitOptions.ended ?? true
      const find = (): H2RawRequest | undefined =>
        requests().find((r) => (!ended || r.end !== undefined) && predicate(r))
      return changes.until(
        'a request at the raw h2 origin',
        find,
        waitOptions.timeoutMs ?? timeoutMs,
      )
    },
    transcript(conn, renderOptions) {
      const c = connections.find((x) => x.id === conn)
      return c === undefined ? '' : renderFrameTranscript(c.records, renderOptions)
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
