/**
 * Upstream connections: connecting with a deadline, and a small per-upstream
 * pool of idle persistent connections reused for later requests (RFC 9112
 * §9.3, §9.4; KA-14).
 */
import { connect, type Socket } from 'node:net'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { ResponseHead } from '../../wire/types.js'
import type { Upstream } from './route-request.js'
import { SocketReader, type PullParser } from './socket-reader.js'

/** A response parser: the reader's pull API plus the request methods it must expect (HEAD: no body). */
export interface ResponseParser extends PullParser<ResponseHead> {
  expectResponseTo(method: string): void
}

/** An upstream connection with its strict response reader. */
export interface UpstreamConnection {
  readonly upstream: Upstream
  readonly socket: Socket
  readonly parser: ResponseParser
  readonly reader: SocketReader<ResponseHead>
  /** True when it came out of the pool (it may have gone stale meanwhile). */
  readonly reused: boolean
}

/** Why a connection could not be made; `timeout` maps to 504, the rest to 502. */
export interface ConnectFailure {
  readonly kind: 'failed'
  readonly timeout: boolean
  readonly message: string
}

/**
 * Connects to a loopback upstream; a connect that takes longer than
 * `timeoutMs` fails (socket.setTimeout: the proxy's own connect timeout).
 */
export async function connectSocket(
  upstream: Upstream,
  options: {
    readonly timeoutMs: number
    readonly tracker: ConnectionTracker
    readonly allowHalfOpen: boolean
  },
): Promise<{ readonly kind: 'connected'; readonly socket: Socket } | ConnectFailure> {
  const socket = connect({
    host: upstream.address,
    port: upstream.port,
    allowHalfOpen: options.allowHalfOpen,
  })
  options.tracker.add(socket)
  socket.setNoDelay(true)
  socket.setTimeout(options.timeoutMs)
  return new Promise((resolve) => {
    const finish = (): void => {
      socket.off('connect', onConnect)
      socket.off('error', onError)
      socket.off('timeout', onTimeout)
      socket.off('close', onClose)
      socket.setTimeout(0)
    }
    const onConnect = (): void => {
      finish()
      // Errors are recorded by whoever reads the socket next; none may go unheard in between.
      socket.on('error', () => undefined)
      resolve({ kind: 'connected', socket })
    }
    const fail = (timeout: boolean, message: string): void => {
      finish()
      socket.on('error', () => undefined)
      socket.destroy()
      resolve({ kind: 'failed', timeout, message })
    }
    const onError = (error: NodeJS.ErrnoException): void => fail(false, error.code ?? error.message)
    const onTimeout = (): void => fail(true, `no connection within ${options.timeoutMs} ms`)
    const onClose = (): void => fail(false, 'closed while connecting')
    socket.once('connect', onConnect)
    socket.once('error', onError)
    socket.once('timeout', onTimeout)
    socket.once('close', onClose)
  })
}

/** Limits of the upstream pool. */
export interface UpstreamPoolOptions {
  readonly tracker: ConnectionTracker
  readonly connectTimeoutMs: number
  /** Inactivity allowed while a request is in flight (socket.setTimeout). */
  readonly responseTimeoutMs: number
  /** How long an idle connection is kept in the pool. */
  readonly idleTimeoutMs: number
  readonly maxIdlePerUpstream: number
  readonly createParser: () => ResponseParser
}

/** Idle persistent upstream connections, per upstream, plus what each upstream's version is. */
export class UpstreamPool {
  readonly #options: UpstreamPoolOptions
  readonly #idle = new Map<string, UpstreamConnection[]>()
  readonly #http10 = new Set<string>()

  constructor(options: UpstreamPoolOptions) {
    this.#options = options
  }

  /** An idle connection to `upstream` if there is one, else a new one. */
  async acquire(upstream: Upstream): Promise<UpstreamConnection | ConnectFailure> {
    const idle = this.#idle.get(upstream.key)
    for (let conn = idle?.pop(); conn !== undefined; conn = idle?.pop()) {
      conn.reader.watchIdle(undefined)
      if (conn.socket.destroyed || conn.reader.finished) continue
      conn.socket.setTimeout(this.#options.responseTimeoutMs)
      return { ...conn, reused: true }
    }
    return this.connectFresh(upstream)
  }

  /** Always a new connection (the retry after a stale one, RFC 9112 §9.3.1). */
  async connectFresh(upstream: Upstream): Promise<UpstreamConnection | ConnectFailure> {
    const { tracker, connectTimeoutMs, responseTimeoutMs } = this.#options
    const result = await connectSocket(upstream, {
      timeoutMs: connectTimeoutMs,
      tracker,
      allowHalfOpen: false,
    })
    if (result.kind === 'failed') return result
    result.socket.setTimeout(responseTimeoutMs)
    const parser = this.#options.createParser()
    return {
      upstream,
      socket: result.socket,
      parser,
      reader: new SocketReader(result.socket, parser),
      reused: false,
    }
  }

  /**
   * Puts a connection back after a complete exchange the caller judged
   * persistent. It is dropped instead if it has unread bytes (a response
   * after the response is never forwarded, RFC 9112 §6.3; SMUG-12), the peer
   * ended, or the pool for that upstream is full.
   */
  release(conn: UpstreamConnection): void {
    const list = this.#idle.get(conn.upstream.key) ?? []
    if (
      conn.socket.destroyed ||
      conn.reader.finished ||
      conn.reader.parser.buffered > 0 ||
      list.length >= this.#options.maxIdlePerUpstream
    ) {
      conn.socket.destroy()
      return
    }
    list.push(conn)
    this.#idle.set(conn.upstream.key, list)
    conn.socket.setTimeout(this.#options.idleTimeoutMs)
    // Any byte, FIN, error or idle timeout on an idle connection ends it.
    conn.reader.watchIdle(() => {
      const at = list.indexOf(conn)
      if (at !== -1) list.splice(at, 1)
      conn.socket.destroy()
    })
  }

  /** Remembers the version an upstream last answered with. */
  noteVersion(key: string, version: string): void {
    if (version === 'HTTP/1.0') this.#http10.add(key)
    else this.#http10.delete(key)
  }

  /** True when the upstream last answered in HTTP/1.0: it must not get a chunked request (RFC 9112 §6.1, KA-08). */
  knownHttp10(key: string): boolean {
    return this.#http10.has(key)
  }

  /** Destroys every idle connection. */
  close(): void {
    for (const list of this.#idle.values()) for (const conn of list.splice(0)) conn.socket.destroy()
    this.#idle.clear()
  }

  /** Idle connections per upstream key (for tests and evidence). */
  idleCount(key: string): number {
    return this.#idle.get(key)?.length ?? 0
  }
}
