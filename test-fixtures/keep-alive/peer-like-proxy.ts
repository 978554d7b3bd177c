/**
 * A small reverse proxy that behaves the way the native Debian peers did in
 * the keep-alive suite, for the tests that pin the suite's grading: it
 * serialises (one request upstream at a time, each on a new upstream
 * connection, the next one read only after the answer), answers an upstream
 * failure itself with a 502 and goes on with the next request (squid, Apache,
 * nginx), and can close after every response (tinyproxy) or refuse a POST
 * without Content-Length with 411 (squid). Loopback only.
 */
import { connect, createServer, type Socket } from 'node:net'
import { ConnectionTracker, closeServer } from '../../harness/net/connection-tracker.js'
import { listenLoopback } from '../../harness/net/loopback.js'
import { onceClose, type Started } from '../../harness/net/started.js'
import { createRequestParser, createResponseParser } from '../../harness/wire/parser.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import type { HttpMessage, RequestHead, ResponseHead } from '../../harness/wire/types.js'

export interface PeerLikeOptions {
  /** Each response says Connection: close and the connection closes after it (tinyproxy). */
  readonly closeAfterEach?: boolean
  /** A POST with neither Content-Length nor Transfer-Encoding gets 411 and a close (squid). */
  readonly requireLength?: boolean
}

export interface PeerLikeProxy extends Started {
  readonly port: number
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length'])

/** One exchange upstream on a new connection; undefined when it failed before a whole response. */
async function exchange(
  upstream: { readonly host: string; readonly port: number },
  request: HttpMessage<RequestHead>,
  tracker: ConnectionTracker,
): Promise<HttpMessage<ResponseHead> | undefined> {
  const socket = connect(upstream)
  tracker.add(socket)
  const parser = createResponseParser({ mode: 'lenient' })
  parser.expectResponseTo(request.head.method)
  socket.write(request.raw)
  return new Promise((resolve) => {
    const done = (message: HttpMessage<ResponseHead> | undefined): void => {
      socket.destroy()
      resolve(message)
    }
    socket.on('data', (chunk: Buffer) => {
      parser.push(chunk)
      for (let event = parser.next(); event !== undefined; event = parser.next())
        if (event.type === 'message')
          return done(event.message.complete ? event.message : undefined)
    })
    socket.on('error', () => done(undefined))
    socket.on('close', () => done(undefined))
  })
}

function serve(
  client: Socket,
  upstream: { readonly host: string; readonly port: number },
  options: PeerLikeOptions,
  tracker: ConnectionTracker,
): void {
  const parser = createRequestParser({ mode: 'strict' })
  const queue: HttpMessage<RequestHead>[] = []
  let busy = false
  const reply = (
    status: number,
    headers: [string, string][],
    body: Buffer,
    close: boolean,
  ): void => {
    client.write(
      responseBytes({
        status,
        headers: [
          ...headers,
          ['Content-Length', String(body.length)],
          ...(close ? [['Connection', 'close'] as const] : []),
        ],
        body,
      }),
    )
    if (close) client.end()
  }
  const work = async (): Promise<void> => {
    if (busy) return
    busy = true
    for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
      const names = request.head.headers.map((f) => f.name.toLowerCase())
      const unframed = !names.includes('content-length') && !names.includes('transfer-encoding')
      if (options.requireLength === true && request.head.method === 'POST' && unframed) {
        reply(411, [], Buffer.from('length required'), true)
        return
      }
      const response = await exchange(upstream, request, tracker)
      const close = options.closeAfterEach === true
      if (response === undefined) reply(502, [], Buffer.from('bad gateway'), close)
      else {
        const kept = response.head.headers.filter((f) => !HOP.has(f.name.toLowerCase()))
        reply(
          response.head.status,
          kept.map((f) => [f.name, f.value]),
          response.body,
          close,
        )
      }
      if (close) return
    }
    busy = false
  }
  client.on('data', (chunk: Buffer) => {
    parser.push(chunk)
    try {
      for (let event = parser.next(); event !== undefined; event = parser.next())
        if (event.type === 'message') queue.push(event.message)
    } catch {
      reply(400, [], Buffer.alloc(0), true)
      return
    }
    void work()
  })
  client.on('error', () => undefined)
}

/** Starts the proxy in front of `upstream` (the run's origin): a reverse proxy on 127.0.0.1. */
export async function startPeerLikeProxy(
  upstream: { readonly host: string; readonly port: number },
  options: PeerLikeOptions = {},
): Promise<PeerLikeProxy> {
  const tracker = new ConnectionTracker()
  const server = createServer((socket) => serve(socket, upstream, options, tracker))
  tracker.watch(server)
  const address = await listenLoopback(server)
  const close = onceClose(() => closeServer(server, tracker))
  return { port: address.port, close, [Symbol.asyncDispose]: close }
}
