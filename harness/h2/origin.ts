/**
 * The h2 origins of catalog §11.1 (O2). Lib mode, here: a `node:http2`
 * server for well-formed traffic, answering scripted responses (1xx heads,
 * trailers, RST_STREAM codes, GOAWAY, RFC 8441 extended CONNECT) and
 * recording each request's fields as Node delivered them. Raw mode, for
 * every "was it forwarded" verdict: startH2RawOrigin (raw-origin.ts).
 * Both bind 127.0.0.1 on an OS-assigned port; close() stops everything.
 */
import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2'
import { ChangeSignal } from '../tcp/wait-until.js'
import { raceTimeout, type TimeoutValue } from '../net/deadline.js'
import { listenLoopback } from '../net/loopback.js'
import { onceClose, type Started } from '../net/started.js'

export { startH2RawOrigin } from './raw-origin.js'
export type {
  H2RawOriginOptions,
  H2RawRequest,
  H2RawResponder,
  H2RawResponse,
  StartedH2RawOrigin,
} from './raw-origin.js'

/** One request as node:http2 delivered it. */
export interface H2OriginRequest {
  /** Sequence number at this origin, from 1. */
  readonly id: number
  /** Session id: "s1", "s2", ... */
  readonly session: string
  readonly streamId: number
  /** Field lines in order, as Node's rawHeaders gives them (names lowercase). */
  readonly rawHeaders: readonly (readonly [string, string])[]
  readonly method: string
  readonly path: string | undefined
  readonly authority: string | undefined
  /** The body so far (all of it once `ended`). */
  readonly body: Buffer
  readonly ended: boolean
  /** Trailers, when the client sent some. */
  readonly trailers: readonly (readonly [string, string])[] | undefined
  /** performance.now() when the head arrived. */
  readonly at: number
}

/** A scripted answer. */
export interface H2OriginResponse {
  /** 1xx heads first (stream.additionalHeaders), e.g. [{ ':status': 103, link: '</a>' }]. */
  readonly informational?: readonly OutgoingHttpHeaders[]
  /** @default 200 */
  readonly status?: number
  readonly headers?: OutgoingHttpHeaders
  readonly body?: Buffer | string
  readonly trailers?: OutgoingHttpHeaders
  /** RST_STREAM with this code: alone when nothing else is given, else after the head and body. */
  readonly rstCode?: number
  /** GOAWAY on the session after answering. */
  readonly goaway?: { readonly errorCode?: number; readonly lastStreamId?: number }
  /** Echo what the client sends on the stream (CONNECT tunnels). */
  readonly tunnel?: 'echo'
}

export type H2OriginResponder = (
  request: H2OriginRequest,
) => H2OriginResponse | Promise<H2OriginResponse>

export interface H2OriginOptions {
  /** Serve TLS with ALPN h2 (no HTTP/1.1 fallback) with this leaf; without it, cleartext prior knowledge. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer }
  /** Advertise SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441). */
  readonly enableConnectProtocol?: boolean
  /**
   * Called when a request's stream ends (CONNECT: when its head arrives).
   * @default a 200 with body "ok"
   */
  readonly respond?: H2OriginResponder
  /** Deadline of waits and of close. @default 2000 */
  readonly timeoutMs?: number
}

export interface StartedH2Origin extends Started {
  readonly host: '127.0.0.1'
  readonly port: number
  readonly requests: readonly H2OriginRequest[]
  /** The first request matching, once its stream ended (CONNECT: once its head came). */
  waitForRequest(
    predicate: (request: H2OriginRequest) => boolean,
    options?: { readonly timeoutMs?: number },
  ): Promise<H2OriginRequest | TimeoutValue>
  /** Replaces the responder for requests from now on. */
  setResponder(respond: H2OriginResponder): void
}

const pairs = (flat: readonly string[]): [string, string][] => {
  const out: [string, string][] = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] ?? '', flat[i + 1] ?? ''])
  return out
}

async function answer(stream: ServerHttp2Stream, response: H2OriginResponse): Promise<void> {
  if (stream.destroyed) return
  const body = response.body === undefined ? undefined : Buffer.from(response.body)
  const nothingElse =
    response.status === undefined && body === undefined && response.headers === undefined
  if (response.rstCode !== undefined && nothingElse) {
    stream.close(response.rstCode)
    return
  }
  for (const head of response.informational ?? []) stream.additionalHeaders(head)
  const hasTrailers = response.trailers !== undefined
  stream.respond(
    { ':status': response.status ?? 200, ...response.headers },
    hasTrailers ? { waitForTrailers: true } : {},
  )
  if (hasTrailers) stream.once('wantTrailers', () => stream.sendTrailers(response.trailers ?? {}))
  if (response.tunnel === 'echo') {
    stream.pipe(stream)
    return
  }
  if (response.rstCode !== undefined) {
    if (body !== undefined)
      await new Promise<void>((resolve) => stream.write(body, () => resolve()))
    stream.close(response.rstCode)
    return
  }
  stream.end(body)
}

export async function startH2Origin(options: H2OriginOptions = {}): Promise<StartedH2Origin> {
  const timeoutMs = options.timeoutMs ?? 2000
  const requests: H2OriginRequest[] = []
  const sessions = new Set<Http2Session>()
  const changes = new ChangeSignal()
  let respond: H2OriginResponder = options.respond ?? (() => ({ body: 'ok' }))
  let sessionCount = 0
  const sessionIds = new WeakMap<Http2Session, string>()
  const settings = { enableConnectProtocol: options.enableConnectProtocol === true }
  const server: Http2Server | Http2SecureServer =
    options.tls === undefined
      ? createServer({ settings })
      : createSecureServer({
          cert: options.tls.cert,
          key: options.tls.key,
          allowHTTP1: false,
          settings,
        })
  const wakeAll = (): void => changes.notify()

  server.on('session', (session: Http2Session) => {
    sessionCount += 1
    sessionIds.set(session, `s${sessionCount}`)
    sessions.add(session)
    session.on('error', () => undefined)
    session.on('close', () => sessions.delete(session))
  })
  const onStream = (
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    _flags: number,
    rawHeaders: readonly string[],
  ): void => {
    stream.on('error', () => undefined)
    const method = headers[':method'] ?? ''
    const index = requests.length
    const base = {
      id: index + 1,
      session: sessionIds.get(stream.session!) ?? 's?',
      streamId: stream.id ?? 0,
      rawHeaders: pairs(rawHeaders),
      method,
      path: headers[':path'],
      authority: headers[':authority'],
      at: performance.now(),
    }
    const chunks: Buffer[] = []
    let trailers: [string, string][] | undefined
    const update = (ended: boolean): void => {
      requests[index] = { ...base, body: Buffer.concat(chunks), ended, trailers }
      wakeAll()
    }
    update(false)
    stream.on('trailers', (received: IncomingHttpHeaders) => {
      trailers = Object.entries(received).map(([n, v]) => [n, String(v)])
    })
    const go = (): void => {
      const request = requests[index]
      if (request === undefined) return
      void Promise.resolve(respond(request))
        .then((r) =>
          answer(stream, r).then(() => {
            if (r.goaway !== undefined) {
              stream.session?.goaway(
                r.goaway.errorCode ?? 0,
                r.goaway.lastStreamId ?? stream.id ?? 0,
              )
            }
          }),
        )
        .catch(() => stream.close(2))
    }
    if (method === 'CONNECT') {
      update(true)
      go()
      return
    }
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      update(false)
    })
    stream.on('end', () => {
      update(true)
      go()
    })
  }
  server.on('stream', onStream as (s: ServerHttp2Stream) => void)
  server.on('error', () => undefined)
  const address = await listenLoopback(server)

  const close = onceClose(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const session of sessions) session.destroy()
    await raceTimeout('the h2 origin to close', closed, timeoutMs)
  })

  return {
    host: '127.0.0.1',
    port: address.port,
    requests,
    setResponder(next) {
      respond = next
    },
    async waitForRequest(predicate, waitOptions = {}) {
      const find = (): H2OriginRequest | undefined => requests.find((r) => r.ended && predicate(r))
      return changes.until('a request at the h2 origin', find, waitOptions.timeoutMs ?? timeoutMs)
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
