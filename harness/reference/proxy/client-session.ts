/**
 * One client connection: requests are read in strict mode and handled one at
 * a time, in order (pipelined ones wait in the parser, RFC 9112 §9.3.2), until
 * persistence ends, a tunnel takes over, or the client goes away.
 */
import type { Socket } from 'node:net'
import type { ProxyDefect } from './defects.js'
import type { ProxySteps } from './steps/index.js'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { RequestHead } from '../../wire/types.js'
import { handleConnect } from './connect-session.js'
import { forwardRequest, type ClientSide, type ExchangeEnd } from './forward-request.js'
import { requestFraming } from './framing.js'
import { maxForwards } from './max-forwards.js'
import { clientMayPersist } from './persistence.js'
import { routeRequest, type RoutingConfig } from './route-request.js'
import { simpleResponse } from './simple-response.js'
import { withoutProxyAuthorization } from './proxy-auth.js'
import { defective407 } from './auth-refusal.js'
import { oneReadHeads } from './one-read-parser.js'
import { SocketReader, type PullParser } from './socket-reader.js'
import { upgradeOffer } from './upgrade.js'
import { forwardUpgrade } from './upgrade-exchange.js'
import { closeGracefully, writeAll } from './socket-io.js'
import type { UpstreamPool } from './upstream-pool.js'

/** What a client session needs from the proxy server. */
export interface SessionDeps {
  readonly routing: RoutingConfig
  readonly pool: UpstreamPool
  readonly upstreamTracker: ConnectionTracker
  readonly createParser: () => PullParser<RequestHead>
  readonly viaName: string
  readonly idleTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly tunnelIdleTimeoutMs: number
  /** The pipeline's steps (steps/index.ts). */
  readonly steps: ProxySteps
  /** The seeded defect switched on, if any (harness/reference/proxy/defects.ts). */
  readonly defect: ProxyDefect | undefined
}

/** Serves a freshly accepted client connection; never throws. */
export function serveClient(socket: Socket, deps: SessionDeps): void {
  socket.setNoDelay(true)
  // The idle timeout (FIN, not RST, KA-13): while waiting for a request, the reader reports it.
  socket.setTimeout(deps.idleTimeoutMs)
  const session = { client: { socket, reader: newReader(socket, deps) } }
  runSession(session, deps).then(
    (end) => {
      if (end !== 'close') return
      // Nothing more is parsed from this connection (RFC 9112 §9.6); what still arrives is read and dropped.
      session.client.reader.detach()
      closeGracefully(socket, deps.idleTimeoutMs)
    },
    () => socket.destroy(),
  )
}

function newReader(socket: Socket, deps: SessionDeps): SocketReader<RequestHead> {
  const parser = deps.createParser()
  return new SocketReader(
    socket,
    deps.defect === 'assumes-one-read-holds-one-message' ? oneReadHeads(parser) : parser,
  )
}

type SessionEnd = 'close' | 'destroyed' | 'tunnel'

async function runSession(session: { client: ClientSide }, deps: SessionDeps): Promise<SessionEnd> {
  // Only the seeded defect 'reorders-pipelined-responses' has exchanges in flight at once.
  const inFlight: Promise<unknown>[] = []
  for (;;) {
    const { client } = session
    const event = await client.reader.next()
    switch (event.type) {
      case 'head': {
        // Seeded defect 'reorders-pipelined-responses': pipelined GETs are handled in parallel
        // and each answered when it completes, not in request order (RFC 9112 §9.3.2, KA-10).
        if (
          deps.defect === 'reorders-pipelined-responses' &&
          event.head.method === 'GET' &&
          requestFraming(event.head) === 'none'
        ) {
          inFlight.push(handleRequest(client, event.head, deps))
          break
        }
        // Seeded defect 'continues-pipeline-after-failed-post': a pipelining intermediary. Every
        // bodiless request (Content-Length: 0 taken as none) goes upstream without waiting for
        // the one before; a failed POST gets a 502 and the connection stays open (KA-10).
        const bodiless = withoutEmptyLength(event.head)
        if (deps.defect === 'continues-pipeline-after-failed-post' && bodiless !== undefined) {
          inFlight.push(handleRequest(client, bodiless, deps))
          break
        }
        const end = await handleRequest(client, event.head, deps)
        // Seeded defect 'parses-unread-body-as-next-request': after an early response, the
        // bytes of the unread body are parsed as the next request (CL.0 smuggling, KA-12).
        if (
          end === 'close' &&
          deps.defect === 'parses-unread-body-as-next-request' &&
          requestFraming(event.head) !== 'none' &&
          !client.socket.destroyed
        ) {
          session.client = { socket: client.socket, reader: newReader(client.socket, deps) }
          break
        }
        if (end !== 'persist') return end
        break
      }
      case 'invalid':
        // RFC 9112 §2.2, §6.3, §5.2...: a strict parser's refusal is a 400, then close; nothing of it is forwarded.
        await writeAll(
          client.socket,
          simpleResponse({ status: 400, text: `proxyspec: ${event.error.message}`, close: true }),
        )
        return 'close'
      case 'eof':
      case 'timeout':
        await Promise.all(inFlight)
        return 'close'
      case 'reset':
      case 'aborted':
      case 'body':
      case 'message':
      case 'tunnel':
        client.socket.destroy()
        return 'destroyed'
    }
  }
}

async function handleRequest(
  client: ClientSide,
  head: RequestHead,
  deps: SessionDeps,
): Promise<ExchangeEnd | SessionEnd> {
  const route = routeRequest(head, deps.routing)
  const refuse = async (
    status: number,
    text: string,
    headers?: readonly string[],
  ): Promise<'close'> => {
    // Nothing more is read from a refused connection: no body, no bytes after a refused CONNECT (CONNECT-07).
    client.reader.detach()
    await writeAll(
      client.socket,
      simpleResponse({ status, text, close: true, ...(headers === undefined ? {} : { headers }) }),
    )
    return 'close'
  }
  // CONNECT, accepted or refused, belongs to the connect area (connect-session.ts).
  // (Seeded defect 'reverse-forwards-connect' routes a CONNECT as an ordinary request.)
  if (
    (head.method === 'CONNECT' && deps.defect !== 'reverse-forwards-connect') ||
    route.kind === 'connect'
  )
    return handleConnect(client, head, route, deps)
  switch (route.kind) {
    case 'reject':
      if (route.status === 407 && (await defective407(client, deps))) return 'tunnel'
      // Seeded defect 'lingers-after-own-close': says close, then waits for the next request (KA-03).
      if (deps.defect === 'lingers-after-own-close' && requestFraming(head) === 'none') {
        await client.reader.next()
        await writeAll(client.socket, simpleResponse({ ...route, close: true }))
        return 'persist'
      }
      return refuse(route.status, route.text, route.headers)
    case 'forward': {
      // RFC 9110 §11.7.2: credentials this proxy asked for are consumed here.
      if (deps.routing.proxyAuth !== undefined) head = withoutProxyAuthorization(head, deps.defect)
      // A valid upgrade request this proxy relays (RFC 9110 §7.8): harness/reference/proxy/upgrade-exchange.ts.
      const upgrade = upgradeOffer(head, deps.defect)
      if (upgrade !== undefined) return forwardUpgrade(client, head, route, deps, upgrade)
      const forwards = maxForwards(
        head,
        !clientMayPersist(head) || requestFraming(head) !== 'none',
        deps.steps,
      )
      if (forwards.kind === 'answer') {
        // The final recipient answers (RFC 9110 §7.6.2); a body it did not read means closing.
        const persist = clientMayPersist(head) && requestFraming(head) === 'none'
        if (persist) await client.reader.next()
        else client.reader.detach()
        await writeAll(client.socket, forwards.response)
        return persist ? 'persist' : 'close'
      }
      return forwardRequest(
        client,
        head,
        route,
        { pool: deps.pool, viaName: deps.viaName, steps: deps.steps, defect: deps.defect },
        forwards.value,
      )
    }
  }
}

/** The head as a bodiless request ("Content-Length: 0" dropped), or undefined if it has a body. */
function withoutEmptyLength(head: RequestHead): RequestHead | undefined {
  const framing = requestFraming(head)
  if (framing === 'chunked') return undefined
  const lengths = head.headers.filter((f) => f.name.toLowerCase() === 'content-length')
  if (framing === 'content-length' && !lengths.every((f) => f.value.trim() === '0'))
    return undefined
  return { ...head, headers: head.headers.filter((f) => f.name.toLowerCase() !== 'content-length') }
}
