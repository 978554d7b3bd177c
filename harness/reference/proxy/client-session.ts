/**
 * One client connection: requests are read in strict mode and handled one at
 * a time, in order (pipelined ones wait in the parser, RFC 9112 §9.3.2), until
 * persistence ends, a tunnel takes over, or the client goes away.
 */
import type { Socket } from 'node:net'
import type { ProxySteps } from './steps/index.js'
import type { Balancer } from '../balancer/index.js'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { RequestHead } from '../../wire/types.js'
import { forwardBalanced } from './balanced-exchange.js'
import { handleConnect } from './connect-session.js'
import { forwardRequest, type ClientSide, type ExchangeEnd } from './forward-request.js'
import { requestFraming } from './framing.js'
import { maxForwards } from './max-forwards.js'
import { routeRequest, type Route, type RoutingConfig } from './route-request.js'
import { simpleResponse } from './simple-response.js'
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
  /** A reverse proxy's balancer over N upstreams (harness/reference/balancer), if any. */
  readonly balancer?: Balancer
  /** Transitional: read by the stages not yet turned into steps. */
  /** Answers the requests routed to the FTP gateway (ReferenceProxyOptions.ftpGateway). */
  readonly ftpGateway?: GatewayHandler
}

/**
 * A gateway this proxy hands a routed request to (route kind 'ftp'): it reads
 * what is left of the request from `client.reader`, writes the whole response,
 * and says how the connection goes on. Never rejects.
 */
export type GatewayHandler = (client: ClientSide, head: RequestHead) => Promise<RequestEnd>

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
  return new SocketReader(socket, deps.createParser())
}

/**
 * How a session ends: closed gracefully, destroyed, or handed over (a tunnel,
 * or a socket another part now owns and ends).
 */
export type SessionEnd = 'close' | 'destroyed' | 'tunnel'

/** How one request left the session. */
export type RequestEnd = ExchangeEnd | SessionEnd

/** A refusal this proxy answers itself. */
export type Refusal = Extract<Route, { readonly kind: 'reject' }>

/**
 * A pipelined request handled without waiting for the one before, as the head
 * to handle: none. Requests are handled one at a time so that responses go
 * back in request order (RFC 9112 §9.3.2, KA-10).
 */
export function handledInParallel(): RequestHead | undefined {
  return undefined
}

/**
 * Whether more requests are parsed from the connection after an exchange
 * that ended it: never. What follows (a request body nobody read above all)
 * is not a request (RFC 9112 §9.6, §6.3; KA-12).
 */
export function readsOnAfterClose(): boolean {
  return false
}

/**
 * Whether a request goes to the connect area (connect-session.ts) as a tunnel
 * request: every CONNECT, accepted or refused (RFC 9110 §9.3.6); a gateway
 * does not forward it as an ordinary request.
 */
export function isTunnelRequest(head: RequestHead): boolean {
  return head.method === 'CONNECT'
}

/**
 * Answers a refusal this proxy makes itself: Connection: close, nothing more
 * read (no body, no bytes after a refused CONNECT, CONNECT-07), then the
 * connection closes (RFC 9112 §9.6, KA-03).
 */
export async function answerRefusal(client: ClientSide, refusal: Refusal): Promise<RequestEnd> {
  client.reader.detach()
  await writeAll(
    client.socket,
    simpleResponse({
      status: refusal.status,
      text: refusal.text,
      close: true,
      ...(refusal.headers === undefined ? {} : { headers: refusal.headers }),
    }),
  )
  return 'close'
}

/**
 * Answers a 407 this proxy requires credentials with (RFC 9110 §11.7.1,
 * §15.5.8) and says how the session goes on after it: as any refusal
 * (the step answerRefusal), closed.
 */
export function afterAuthRefusal(
  client: ClientSide,
  refusal: Refusal,
  head: RequestHead,
  session: SessionDeps,
): Promise<RequestEnd> {
  return session.steps.answerRefusal(client, refusal, head)
}

async function runSession(session: { client: ClientSide }, deps: SessionDeps): Promise<SessionEnd> {
  // Requests handled in parallel (the step handledInParallel; none in the reference), awaited before closing.
  const inFlight: Promise<unknown>[] = []
  for (;;) {
    const { client } = session
    const event = await client.reader.next()
    switch (event.type) {
      case 'head': {
        const parallel = deps.steps.handledInParallel(event.head)
        if (parallel !== undefined) {
          inFlight.push(handleRequest(client, parallel, deps))
          break
        }
        const end = await handleRequest(client, event.head, deps)
        if (
          end === 'close' &&
          !client.socket.destroyed &&
          deps.steps.readsOnAfterClose(event.head)
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
): Promise<RequestEnd> {
  const { steps } = deps
  const route = routeRequest(head, deps.routing)
  // CONNECT, accepted or refused, belongs to the connect area (connect-session.ts).
  if (route.kind === 'connect' || steps.isTunnelRequest(head))
    return handleConnect(client, head, route, deps)
  switch (route.kind) {
    case 'ftp':
      if (deps.ftpGateway === undefined)
        return steps.answerRefusal(
          client,
          { kind: 'reject', status: 501, text: 'no FTP gateway' },
          head,
        )
      return deps.ftpGateway(client, head)
    case 'reject':
      if (route.status === 407) return steps.afterAuthRefusal(client, route, head, deps)
      return steps.answerRefusal(client, route, head)
    case 'forward': {
      // RFC 9110 §11.7.2: credentials this proxy asked for are consumed here.
      if (deps.routing.proxyAuth !== undefined) head = deps.steps.consumeProxyAuthorization(head)
      // A valid upgrade request this proxy relays (RFC 9110 §7.8): harness/reference/proxy/upgrade-exchange.ts.
      const upgrade = upgradeOffer(head, deps.steps)
      if (upgrade !== undefined) return forwardUpgrade(client, head, route, deps, upgrade)
      const forwards = maxForwards(
        head,
        !steps.clientMayPersist(head) || requestFraming(head) !== 'none',
        deps.steps,
      )
      if (forwards.kind === 'answer') {
        // The final recipient answers (RFC 9110 §7.6.2); a body it did not read means closing.
        const persist = steps.clientMayPersist(head) && requestFraming(head) === 'none'
        if (persist) await client.reader.next()
        else client.reader.detach()
        await writeAll(client.socket, forwards.response)
        return persist ? 'persist' : 'close'
      }
      const exchange = { pool: deps.pool, viaName: deps.viaName, steps: deps.steps }
      // With N upstreams the balance steps choose each attempt's backend (balanced-exchange.ts).
      if (deps.balancer !== undefined)
        return forwardBalanced(client, head, route, exchange, deps.balancer, forwards.value)
      return forwardRequest(client, head, route, exchange, forwards.value)
    }
  }
}
