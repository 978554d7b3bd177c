/**
 * A CONNECT request on a client connection (RFC 9110 §9.3.6): refuse it and
 * close, or hand the connection over to a tunnel. Either way nothing after the
 * CONNECT head is ever parsed as HTTP (RFC 9931, CONNECT-06, CONNECT-07).
 */
import { authorityOf } from '../../net/loopback.js'
import type { RequestHead } from '../../wire/types.js'
import type { SessionDeps } from './client-session.js'
import { openTunnel } from './connect-tunnel.js'
import type { ClientSide } from './forward-request.js'
import { textLine } from './message-head.js'
import { parseAuthorityForm } from './request-target.js'
import { routeConnect, type Route } from './route-request.js'
import { defective407 } from './auth-refusal.js'
import { simpleResponse } from './simple-response.js'
import { writeAll } from './socket-io.js'

/** How a CONNECT left the connection: closing, a tunnel, or (a seeded defect only) reading on. */
export type ConnectEnd = 'close' | 'tunnel' | 'persist'

/**
 * Seeded defect 'chunked-refusal-to-http10': the refusal framed with chunked
 * coding whatever the client's version, which an HTTP/1.0 client cannot read
 * (RFC 9112 §6.1, CONNECT-13).
 */
function chunkedRefusal(status: number, text: string): Buffer {
  const body = Buffer.from(`${text}\n`, 'latin1')
  return Buffer.concat([
    textLine(`HTTP/1.1 ${status} Refused`),
    textLine('Transfer-Encoding: chunked'),
    textLine('Connection: close'),
    Buffer.from('\r\n'),
    Buffer.from(`${body.length.toString(16)}\r\n`),
    body,
    Buffer.from('\r\n0\r\n\r\n'),
  ])
}

/**
 * Seeded defect 'consumes-connect-body': the Content-Length or chunked "body"
 * of a CONNECT is read and thrown away before the tunnel starts (CONNECT-12).
 */
function withoutBody(head: RequestHead, early: Buffer): Buffer {
  const field = (name: string): string | undefined =>
    head.headers.find((f) => f.name.toLowerCase() === name)?.value
  const length = field('content-length')
  if (length !== undefined && /^\d+$/.test(length)) return early.subarray(Number(length))
  if (field('transfer-encoding') !== undefined) {
    const last = early.indexOf('0\r\n\r\n')
    return last === -1 ? Buffer.alloc(0) : early.subarray(last + 5)
  }
  return early
}

/** Handles a CONNECT the router answered with `route` (a refusal or a tunnel). */
export async function handleConnect(
  client: ClientSide,
  head: RequestHead,
  route: Route,
  deps: SessionDeps,
): Promise<ConnectEnd> {
  const { defect } = deps
  if (route.kind === 'reject' && route.status === 407) {
    if (await defective407(client, deps)) return 'tunnel'
    // Seeded defect 'tunnels-after-407': the 407 goes out, and the tunnel is opened
    // anyway, so the bytes sent after the refused CONNECT reach the target.
    const anyway = routeConnect(head, { ...deps.routing, proxyAuth: undefined })
    if (defect === 'tunnels-after-407' && anyway.kind === 'connect') {
      await writeAll(
        client.socket,
        simpleResponse({
          status: 407,
          text: route.text,
          close: false,
          headers: route.headers ?? [],
        }),
      )
      return tunnelFor(client, head, anyway, deps)
    }
  }
  if (route.kind !== 'connect') {
    const status = route.kind === 'reject' ? route.status : 500
    const text = route.kind === 'reject' ? route.text : 'proxyspec cannot route this CONNECT'
    const headers = route.kind === 'reject' ? (route.headers ?? []) : []
    // Seeded defect 'serves-requests-after-refused-connect': the refusal is sent
    // as if the connection persisted, and what follows is read as the next
    // request (the smuggling RFC 9931 closes off [B11]).
    if (defect === 'serves-requests-after-refused-connect') {
      await client.reader.next()
      await writeAll(client.socket, simpleResponse({ status, text, close: false, headers }))
      return 'persist'
    }
    // Nothing more is read from a refused connection: no bytes after a refused CONNECT (CONNECT-07).
    client.reader.detach()
    const response =
      defect === 'chunked-refusal-to-http10'
        ? chunkedRefusal(status, text)
        : simpleResponse({ status, text, close: true, headers })
    await writeAll(client.socket, response)
    return 'close'
  }
  return tunnelFor(client, head, route, deps)
}

async function tunnelFor(
  client: ClientSide,
  head: RequestHead,
  route: Extract<Route, { readonly kind: 'connect' }>,
  deps: SessionDeps,
): Promise<ConnectEnd> {
  const { defect } = deps
  // The CONNECT's own 'message' event, then the bytes after its head belong to the tunnel.
  await client.reader.next()
  const detached = client.reader.detach()
  const early = defect === 'consumes-connect-body' ? withoutBody(head, detached) : detached
  const asked = parseAuthorityForm(head.target)
  const authority = asked === undefined ? route.upstream.key : authorityOf(asked.host, asked.port)
  const end = await openTunnel(
    client.socket,
    { destination: route.upstream, authority, head },
    early,
    {
      tracker: deps.upstreamTracker,
      connectTimeoutMs: deps.connectTimeoutMs,
      idleTimeoutMs: deps.tunnelIdleTimeoutMs,
      nextHop: deps.routing.nextHop === undefined ? undefined : upstreamKey(deps.routing.nextHop),
      defect,
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
