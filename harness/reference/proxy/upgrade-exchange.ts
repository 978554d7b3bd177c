/**
 * One upgrade exchange (RFC 9110 §7.8; RFC 6455 §4): the request goes to a
 * fresh upstream connection with the Upgrade this proxy relays; the client's
 * bytes after the request stay unread until the upstream's answer (UPG-06).
 * A valid 101 turns both connections into one tunnel (bytes after each head
 * go first); any other final answer is relayed as HTTP and the connection
 * stays HTTP, so later client bytes are parsed as requests (UPG-04).
 */
import type { Socket } from 'node:net'
import type { RequestHead, ResponseHead } from '../../wire/types.js'
import type { SessionDeps } from './client-session.js'
import { relay } from './connect-tunnel.js'
import type { ClientSide, ExchangeEnd, ForwardRoute } from './forward-request.js'
import { clientResponseHead, upstreamRequestHead } from './message-head.js'
import { clientMayPersist } from './persistence.js'
import { relayResponse, type RelayResult } from './relay-response.js'
import { simpleResponse } from './simple-response.js'
import { writeAll } from './socket-io.js'
import {
  clientSwitchLines,
  rewriteAccept,
  switchProblem,
  upstreamUpgradeHead,
  withLines,
  type UpgradeOffer,
} from './upgrade.js'
import { rsvClearer } from './upgrade-frames.js'
import type { UpstreamConnection } from './upstream-pool.js'

/** How an upgrade exchange left the client connection. */
export type UpgradeEnd = ExchangeEnd | 'tunnel'

/** Forwards an upgrade request; never rejects. */
export async function forwardUpgrade(
  client: ClientSide,
  head: RequestHead,
  route: ForwardRoute,
  deps: SessionDeps,
  offer: UpgradeOffer,
): Promise<UpgradeEnd> {
  const { defect } = deps
  const forwarded = upstreamRequestHead({
    head,
    target: route.target,
    host: route.host,
    framing: 'none',
    viaName: deps.viaName,
    steps: deps.steps,
  })
  const headBytes = upstreamUpgradeHead(forwarded, head, offer, defect)
  // The request has no content: its 'message' follows the head; what comes after stays unread.
  await client.reader.next()
  const persist = clientMayPersist(head)
  // A fresh connection: if the upstream switches, it becomes the tunnel and never returns to the pool.
  const conn = await deps.pool.connectFresh(route.upstream)
  if ('kind' in conn) {
    await writeAll(
      client.socket,
      simpleResponse({
        status: conn.timeout ? 504 : 502,
        text: `proxyspec could not connect to ${route.upstream.key}: ${conn.message}`,
        close: true,
      }),
    )
    return 'close'
  }
  if (defect === 'forwards-bytes-before-101') {
    // Seeded defect: tunnels on the client's intent, before any answer (CVE-2026-2833 class, UPG-06):
    // the head and whatever followed it go upstream at once, and from then on it is a blind pipe.
    const early = client.reader.detach()
    conn.reader.detach()
    conn.socket.write(Buffer.concat([headBytes, early]))
    relay(client.socket, conn.socket, deps.tunnelIdleTimeoutMs)
    return 'tunnel'
  }
  conn.parser.expectResponseTo(head.method)
  if (!(await writeAll(conn.socket, headBytes))) {
    conn.socket.destroy()
    return 'close'
  }
  let switched = false
  const result = await relayResponse({
    client: client.socket,
    conn,
    method: head.method,
    clientMinor: 1,
    viaName: deps.viaName,
    steps: deps.steps,
    defect,
    mustClose: () => !persist,
    switchProtocols: async (response) => {
      const outcome = await switchProtocols(client.socket, conn, head, response, offer, deps)
      switched = outcome.kind === 'relayed'
      return outcome
    },
  })
  if (switched) {
    const early = client.reader.detach()
    if (early.length > 0) conn.socket.write(early)
    tunnel(client.socket, conn.socket, deps)
    return 'tunnel'
  }
  if (result.kind === 'relayed') {
    if (defect === 'tunnels-on-any-status') {
      // Seeded defect: a refused upgrade still becomes a tunnel (WebSocket smuggling, UPG-04;
      // node-http-proxy #624, kemal #767): later client bytes reach the upstream unparsed.
      const early = client.reader.detach()
      conn.reader.detach()
      if (early.length > 0) conn.socket.write(early)
      relay(client.socket, conn.socket, deps.tunnelIdleTimeoutMs)
      return 'tunnel'
    }
    if (result.upstreamMayPersist) deps.pool.release(conn)
    else conn.socket.destroy()
    return result.clientMayPersist ? 'persist' : 'close'
  }
  conn.socket.destroy()
  if (result.kind === 'aborted') return 'close'
  await writeAll(
    client.socket,
    simpleResponse({
      status: result.why === 'timeout' ? 504 : 502,
      text: `proxyspec: ${result.detail}`,
      close: true,
    }),
  )
  return 'close'
}

/**
 * A 101 from the upstream: checked (UPG-05), then relayed with the proxy's
 * own Upgrade and Connection, without Content-Length or Transfer-Encoding
 * (RFC 9110 §8.6, UPG-11), followed by the bytes that came after it.
 */
async function switchProtocols(
  client: Socket,
  conn: UpstreamConnection,
  request: RequestHead,
  response: ResponseHead,
  offer: UpgradeOffer,
  deps: SessionDeps,
): Promise<RelayResult> {
  // Seeded defect 'accepts-any-101': any 101 is taken as a switch (UPG-05).
  const problem = deps.defect === 'accepts-any-101' ? undefined : switchProblem(response, offer)
  if (problem !== undefined)
    return { kind: 'no-response', why: 'invalid', bytesSeen: true, detail: problem }
  // The 101's own 'message' (framing 'tunnel'), then the bytes after its head are tunnel data.
  await conn.reader.next()
  const after = conn.reader.detach()
  let bytes = withLines(
    clientResponseHead({
      head: response,
      framing: 'none',
      close: false,
      viaName: deps.viaName,
      steps: deps.steps,
    }),
    clientSwitchLines(response, deps.defect),
  )
  if (deps.defect === 'rewrites-websocket-accept') bytes = rewriteAccept(bytes, request)
  if (!(await writeAll(client, Buffer.concat([bytes, after]))))
    return { kind: 'aborted', detail: 'the client went away' }
  return {
    kind: 'relayed',
    clientMayPersist: false,
    upstreamMayPersist: false,
    upstreamVersion: response.version,
  }
}

/**
 * Both directions relayed as a tunnel, byte for byte (RFC 6455 §5; RFC 9110
 * §9.3.6 closing rules, UPG-14), by the CONNECT relay.
 */
function tunnel(client: Socket, upstream: Socket, deps: SessionDeps): void {
  if (
    deps.defect === 'ignores-upstream-close-after-upgrade' ||
    deps.defect === 'clears-websocket-rsv-bits'
  )
    defectiveTunnel(client, upstream, deps)
  else relay(client, upstream, deps.tunnelIdleTimeoutMs)
}

/**
 * Seeded defects 'ignores-upstream-close-after-upgrade' (the upstream's FIN is
 * not passed on: the client connection stays open, UPG-14) and
 * 'clears-websocket-rsv-bits' (client frames rewritten without RSV bits, UPG-10).
 */
function defectiveTunnel(client: Socket, upstream: Socket, deps: SessionDeps): void {
  const rewrite = deps.defect === 'clears-websocket-rsv-bits' ? rsvClearer() : (c: Buffer) => c
  client.on('data', (chunk: Buffer) => upstream.write(rewrite(chunk)))
  upstream.on('data', (chunk: Buffer) => client.write(chunk))
  client.on('end', () => upstream.end())
  upstream.on('end', () => {
    if (deps.defect !== 'ignores-upstream-close-after-upgrade') client.end()
  })
  client.on('error', () => upstream.destroy())
  upstream.on('error', () => client.destroy())
  client.on('close', () => upstream.destroy())
  client.setTimeout(deps.tunnelIdleTimeoutMs, () => client.destroy())
  client.resume()
  upstream.resume()
}
