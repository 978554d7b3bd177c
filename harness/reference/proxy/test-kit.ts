/**
 * Raw node:net peers for the proxy's own tests: an origin that records every
 * byte and request per connection and answers through a callback, and a
 * client that reads responses with deadlines. Deliberately not harness/origin
 * or harness/client, which are tested against this proxy.
 */
import { connect, createServer, type Socket } from 'node:net'
import { afterEach, beforeEach } from 'vitest'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { isTimeout, type TimeoutValue } from '../../net/deadline.js'
import { listenLoopback } from '../../net/loopback.js'
import { Scope } from '../../net/started.js'
import { ChangeSignal } from '../../tcp/wait-until.js'
import { createRequestParser, parseMessages } from '../../wire/parser.js'
import type { HttpMessage, RequestHead, ResponseHead } from '../../wire/types.js'
import { startReferenceProxy } from './proxy-server.js'
import type { ReferenceProxyOptions } from './types.js'

/** One connection the raw origin accepted. */
export interface OriginConn {
  readonly id: number
  readonly socket: Socket
  received: Buffer
  peerEnded: boolean
  closed: boolean
  requests: number
}

/** A request the raw origin read. */
export interface SeenRequest {
  readonly conn: OriginConn
  /** 1-based position on its connection. */
  readonly seq: number
  readonly message: HttpMessage<RequestHead>
  /** The head as latin1 text. */
  readonly head: string
}

/** The raw origin of the proxy's tests. */
export interface RawOrigin {
  readonly port: number
  readonly authority: string
  readonly connections: readonly OriginConn[]
  readonly requests: readonly SeenRequest[]
  waitFor<T>(
    what: string,
    check: () => T | undefined,
    timeoutMs?: number,
  ): Promise<T | TimeoutValue>
  close(): Promise<void>
}

/** A loopback origin; `respond` is called for every complete request, parsed leniently. */
export async function startRawOrigin(respond: (request: SeenRequest) => void): Promise<RawOrigin> {
  const connections: OriginConn[] = []
  const requests: SeenRequest[] = []
  const changes = new ChangeSignal()
  const tracker = new ConnectionTracker()
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const conn: OriginConn = {
      id: connections.length + 1,
      socket,
      received: Buffer.alloc(0),
      peerEnded: false,
      closed: false,
      requests: 0,
    }
    connections.push(conn)
    const parser = createRequestParser({ mode: 'lenient' })
    socket.on('data', (data: Buffer) => {
      conn.received = Buffer.concat([conn.received, data])
      parser.push(data)
      for (let event = parser.next(); event !== undefined; event = parser.next()) {
        if (event.type !== 'message') continue
        conn.requests += 1
        const seen = {
          conn,
          seq: conn.requests,
          message: event.message,
          head: event.message.head.raw.toString('latin1'),
        }
        requests.push(seen)
        respond(seen)
      }
      changes.notify()
    })
    socket.on('end', () => {
      conn.peerEnded = true
      changes.notify()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      conn.closed = true
      changes.notify()
    })
    changes.notify()
  })
  tracker.watch(server)
  const address = await listenLoopback(server)
  return {
    port: address.port,
    authority: `127.0.0.1:${address.port}`,
    connections,
    requests,
    waitFor: (what, check, timeoutMs = 2000) => changes.until(what, check, timeoutMs),
    close: () => closeServer(server, tracker),
  }
}

/** A raw client of the proxy's tests. */
export interface RawPeer {
  readonly socket: Socket
  received(): Buffer
  readonly ended: boolean
  readonly closed: boolean
  readonly error: string | undefined
  /** Responses parsed leniently from everything received (EOF applied once seen). */
  responses(methods?: readonly string[]): HttpMessage<ResponseHead>[]
  waitForResponses(
    n: number,
    methods?: readonly string[],
    timeoutMs?: number,
  ): Promise<HttpMessage<ResponseHead>[] | TimeoutValue>
  waitForBytes(n: number, timeoutMs?: number): Promise<Buffer | TimeoutValue>
  waitForEnd(timeoutMs?: number): Promise<Buffer | TimeoutValue>
  waitForClose(timeoutMs?: number): Promise<Buffer | TimeoutValue>
}

/** A client with allowHalfOpen, so the proxy's FIN and our own are separate events. */
export async function connectPeer(port: number): Promise<RawPeer> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
  const changes = new ChangeSignal()
  let data = Buffer.alloc(0)
  let ended = false
  let closed = false
  let error: string | undefined
  socket.on('data', (chunk: Buffer) => {
    data = Buffer.concat([data, chunk])
    changes.notify()
  })
  socket.on('end', () => {
    ended = true
    changes.notify()
  })
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error = e.code ?? e.message
  })
  socket.on('close', () => {
    closed = true
    changes.notify()
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const responses = (methods: readonly string[] = []): HttpMessage<ResponseHead>[] =>
    parseMessages('response', data, {
      mode: 'lenient',
      eof: ended || closed,
      requestMethods: methods,
    }).messages as HttpMessage<ResponseHead>[]
  return {
    socket,
    received: () => data,
    get ended() {
      return ended
    },
    get closed() {
      return closed
    },
    get error() {
      return error
    },
    responses,
    waitForResponses: (n, methods = [], timeoutMs = 2000) =>
      changes.until(
        `${n} responses`,
        () => {
          const list = responses(methods)
          return list.length >= n ? list : undefined
        },
        timeoutMs,
      ),
    waitForBytes: (n, timeoutMs = 2000) =>
      changes.until(`${n} bytes`, () => (data.length >= n ? data : undefined), timeoutMs),
    waitForEnd: (timeoutMs = 2000) =>
      changes.until('FIN from the proxy', () => (ended ? data : undefined), timeoutMs),
    waitForClose: (timeoutMs = 2000) =>
      changes.until('the socket to close', () => (closed ? data : undefined), timeoutMs),
  }
}

/** A port nothing listens on: bound, then closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  const address = await listenLoopback(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return address.port
}

/** Fails the test with the timeout's description when `value` is a TimeoutValue. */
export function must<T>(value: T | TimeoutValue): T {
  if (isTimeout(value)) throw new Error(`timed out waiting for ${value.waitingFor}`)
  return value
}

/** The value of every line of field `name` in a head's raw text. */
export function fieldLines(head: string, name: string): string[] {
  return head
    .split('\r\n')
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim())
}

/** A 200 with a two-byte body, the origin's default answer. */
export const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

/**
 * The forward proxy's tests share one setup: a Scope per test (everything a
 * test starts, it stops), a raw origin answering through `respond`, the
 * reference proxy in forward mode in front of it, raw clients, and `get` for
 * an absolute-form GET of a path on that origin.
 */
export function forwardProxyKit() {
  let scope = new Scope()
  beforeEach(() => {
    scope = new Scope()
  })
  afterEach(async () => {
    await scope.close()
  })
  async function setup(
    respond: (request: SeenRequest) => void = (r) => r.conn.socket.write(OK),
    options: Partial<ReferenceProxyOptions> = {},
  ) {
    const origin = scope.use(await startRawOrigin(respond))
    const proxy = scope.use(await startReferenceProxy({ mode: 'forward', ...options }))
    const client = async (): Promise<RawPeer> => {
      const peer = await connectPeer(proxy.port)
      scope.defer(() => {
        peer.socket.destroy()
      })
      return peer
    }
    const get = (path: string, extra = '', version = 'HTTP/1.1'): string =>
      `GET http://${origin.authority}${path} ${version}\r\nHost: ${origin.authority}\r\n${extra}\r\n`
    return { origin, proxy, client, get }
  }
  return { setup, scope: (): Scope => scope }
}
