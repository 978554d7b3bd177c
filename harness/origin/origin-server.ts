/**
 * The controllable origin: a loopback HTTP/1.1 (or HTTPS) server whose
 * answers are chosen per case token, which records every connection and
 * request it reads, and which a case can wait on under a deadline.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import { HarnessError } from '../net/errors.js'
import { authorityOf, listenLoopback } from '../net/loopback.js'
import { onceClose } from '../net/started.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { DEFAULT_BEHAVIOUR } from './default-responder.js'
import { serveOriginConnection } from './origin-connection.js'
import { RequestLog } from './request-log.js'
import type { OriginBehaviour, OriginOptions, StartedOrigin } from './types.js'

export { DEFAULT_BEHAVIOUR }

/**
 * Starts the origin on 127.0.0.1 (a port the OS picks unless options.port is
 * given) and resolves once it listens. close() destroys every connection.
 *
 * @example
 * await using origin = await startOrigin()
 * origin.behave(token, { kind: 'routes', handlers: [http.get('*', () => HttpResponse.text('hi'))] })
 * const seen = await origin.nextRequest(token, 1000)
 */
export async function startOrigin(options: OriginOptions = {}): Promise<StartedOrigin> {
  // Upstream connections are pooled across cases, so the origin keeps more per connection than a case does.
  const transcript = options.transcript ?? new TranscriptRecorder(1024 * 1024)
  const prefix = options.connPrefix ?? 'o'
  const fallback = options.defaultBehaviour ?? DEFAULT_BEHAVIOUR
  const behaviours = new Map<string, OriginBehaviour>()
  const log = new RequestLog()
  const tracker = new ConnectionTracker()
  const scheme = options.tls === undefined ? 'http' : 'https'
  let connections = 0
  let authority = '127.0.0.1:0'

  const accept = (socket: Socket): void => {
    connections += 1
    tracker.add(socket)
    serveOriginConnection(socket, `${prefix}${connections}`, {
      log,
      transcript,
      scheme,
      get authority() {
        return authority
      },
      behaviourFor: (token) =>
        token === undefined ? fallback : (behaviours.get(token) ?? fallback),
    })
  }

  let server: Server
  if (options.tls === undefined) {
    server = createTcpServer(accept)
  } else {
    const tlsServer = createTlsServer(
      { cert: options.tls.cert, key: options.tls.key },
      (socket: TLSSocket) => {
        accept(socket)
        transcript.record({
          hop: 'origin',
          conn: `${prefix}${connections}`,
          type: 'tls',
          detail: `${socket.getProtocol() ?? '?'} sni=${typeof socket.servername === 'string' ? socket.servername : '(none)'} alpn=${socket.alpnProtocol || '(none)'}`,
        })
      },
    )
    // A handshake the target abandoned (it refused our certificate) is evidence, not a crash.
    tlsServer.on('tlsClientError', (error, socket) => {
      connections += 1
      const conn = `${prefix}${connections}`
      transcript.record({
        hop: 'origin',
        conn,
        type: 'tls',
        detail: `handshake failed: ${error.message}`,
      })
      socket.destroy()
    })
    server = tlsServer
  }
  server.on('connection', (socket: Socket) => {
    tracker.add(socket)
    socket.on('error', () => undefined)
  })

  const address = await listenLoopback(server, '127.0.0.1', options.port ?? 0).catch(
    (error: unknown) => {
      throw options.port === undefined
        ? error
        : new HarnessError(
            'HARNESS_LISTEN_FAILED',
            `cannot start the origin on port ${options.port} (is it in use?)`,
            {
              cause: error,
            },
          )
    },
  )
  authority = authorityOf(address.address, address.port)
  const close = onceClose(() => closeServer(server, tracker))

  return {
    host: address.address,
    port: address.port,
    authority,
    url: `${scheme}://${authority}`,
    transcript,
    behave(token, behaviour) {
      behaviours.set(token, behaviour)
    },
    forget(token) {
      behaviours.delete(token)
      log.forget(token)
    },
    requests: (token) => log.requests(token),
    nextRequest: (token, timeoutMs) => log.nextRequest(token, timeoutMs),
    get connections() {
      return log.connections
    },
    strays: () => log.strays(),
    get strayCount() {
      return log.strayCount
    },
    connectionClosed: (id, timeoutMs) => log.connectionClosed(id, timeoutMs),
    setCertificate(pem) {
      if (!('setSecureContext' in server)) {
        throw new HarnessError(
          'HARNESS_BAD_INPUT',
          'setCertificate needs an origin started with options.tls',
        )
      }
      ;(server as ReturnType<typeof createTlsServer>).setSecureContext({
        cert: pem.cert,
        key: pem.key,
      })
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
