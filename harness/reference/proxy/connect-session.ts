/**
 * A CONNECT request on a client connection (RFC 9110 §9.3.6): refuse it and
 * close, or hand the connection over to a tunnel. Either way nothing after the
 * CONNECT head is ever parsed as HTTP (RFC 9931, CONNECT-06, CONNECT-07).
 */
import { authorityOf } from '../../net/loopback.js'
import type { RequestHead } from '../../wire/types.js'
import type { SessionDeps } from './client-session.js'
import type { ClientSide } from './forward-request.js'
import { parseAuthorityForm } from './request-target.js'
import type { Route } from './route-request.js'
import { simpleResponse } from './simple-response.js'
import { writeAll } from './socket-io.js'

/** How a CONNECT left the connection: closing, a tunnel (the socket handed over), or reading on. */
export type ConnectEnd = 'close' | 'tunnel' | 'persist'

/** Why a CONNECT is refused: the status, text and extra field lines of the answer. */
export interface ConnectRefusal {
  readonly status: number
  readonly text: string
  readonly headers: readonly string[]
}

/**
 * Answers a refused CONNECT and closes: nothing after its head is read, let
 * alone parsed as a request (RFC 9110 §9.3.6, RFC 9931, CONNECT-06, CONNECT-07).
 */
export async function refuseConnect(
  client: ClientSide,
  _head: RequestHead,
  refusal: ConnectRefusal,
): Promise<ConnectEnd> {
  client.reader.detach()
  await writeAll(client.socket, simpleResponse({ ...refusal, close: true }))
  return 'close'
}

/**
 * The bytes that came after the CONNECT head: the first tunnel data, passed on
 * unchanged and first (CONNECT-07); a CONNECT has no content (RFC 9110 §9.3.6).
 */
export function earlyTunnelData(_head: RequestHead, early: Buffer): Buffer {
  return early
}

/** Handles a CONNECT the router answered with `route` (a refusal or a tunnel). */
export async function handleConnect(
  client: ClientSide,
  head: RequestHead,
  route: Route,
  deps: SessionDeps,
): Promise<ConnectEnd> {
  if (route.kind === 'connect') return tunnelFor(client, head, route, deps)
  const refusal: ConnectRefusal =
    route.kind === 'reject'
      ? { status: route.status, text: route.text, headers: route.headers ?? [] }
      : { status: 500, text: 'proxyspec cannot route this CONNECT', headers: [] }
  return deps.steps.refuseConnect(client, head, refusal, deps)
}

/** Hands the connection of an accepted CONNECT over to its tunnel. */
export async function tunnelFor(
  client: ClientSide,
  head: RequestHead,
  route: Extract<Route, { readonly kind: 'connect' }>,
  deps: SessionDeps,
): Promise<ConnectEnd> {
  const { steps } = deps
  // The CONNECT's own 'message' event, then the bytes after its head belong to the tunnel.
  await client.reader.next()
  const early = steps.earlyTunnelData(head, client.reader.detach())
  const asked = parseAuthorityForm(head.target)
  const authority = asked === undefined ? route.upstream.key : authorityOf(asked.host, asked.port)
  const end = await steps.openTunnel(
    client.socket,
    { destination: route.upstream, authority, head },
    early,
    {
      tracker: deps.upstreamTracker,
      connectTimeoutMs: deps.connectTimeoutMs,
      idleTimeoutMs: deps.tunnelIdleTimeoutMs,
      nextHop: deps.routing.nextHop === undefined ? undefined : upstreamKey(deps.routing.nextHop),
      steps,
    },
  )
  return end === 'failed' ? 'close' : 'tunnel'
}

function upstreamKey(hop: { readonly address: string; readonly port: number }): {
  readonly address: string
  readonly port: number
  readonly key: string
} {
  return { address: hop.address, port: hop.port, key: authorityOf(hop.address, hop.port) }
}
