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
import { relayResponse, type RelayResult } from './relay-response.js'
import { simpleResponse } from './simple-response.js'
import { writeAll } from './socket-io.js'
import { withLines, type UpgradeOffer } from './upgrade.js'
import type { UpstreamConnection } from './upstream-pool.js'

/** How an upgrade exchange left the client connection. */
export type UpgradeEnd = ExchangeEnd | 'tunnel'

/** One upgrade request on the fresh upstream connection it goes to. */
export interface UpgradeExchange {
  readonly client: ClientSide
  readonly conn: UpstreamConnection
  readonly request: RequestHead
  /** The request head as it goes upstream, with the proxy's Upgrade and Connection. */
  readonly headBytes: Buffer
  readonly offer: UpgradeOffer
  readonly deps: SessionDeps
}

/** Forwards an upgrade request; never rejects. */
export async function forwardUpgrade(
  client: ClientSide,
  head: RequestHead,
  route: ForwardRoute,
  deps: SessionDeps,
  offer: UpgradeOffer,
): Promise<UpgradeEnd> {
  const forwarded = upstreamRequestHead({
    head,
    target: route.target,
    host: route.host,
    framing: 'none',
    viaName: deps.viaName,
    steps: deps.steps,
  })
  const headBytes = withLines(forwarded, deps.steps.upstreamUpgradeLines(head, offer))
  // The request has no content: its 'message' follows the head; what comes after stays unread.
  await client.reader.next()
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
  return deps.steps.exchangeUpgrade({ client, conn, request: head, headBytes, offer, deps })
}

/**
 * The exchange on the upstream connection: the request goes alone, and the
 * client's later bytes wait for the answer (UPG-06). A valid 101 opens the
 * tunnel, bytes after each head first; any other answer is relayed as HTTP
 * and what follows it is the connections' business (UPG-04).
 */
export async function exchangeUpgrade(exchange: UpgradeExchange): Promise<UpgradeEnd> {
  const { client, conn, request, offer, deps } = exchange
  const persist = deps.steps.clientMayPersist(request)
  conn.parser.expectResponseTo(request.method)
  if (!(await writeAll(conn.socket, exchange.headBytes))) {
    conn.socket.destroy()
    return 'close'
  }
  let switched = false
  const result = await relayResponse({
    client: client.socket,
    conn,
    method: request.method,
    clientMinor: 1,
    viaName: deps.viaName,
    steps: deps.steps,
    mustClose: () => !persist,
    switchProtocols: async (response) => {
      const outcome = await switchProtocols(client.socket, conn, request, response, offer, deps)
      switched = outcome.kind === 'relayed'
      return outcome
    },
  })
  if (switched) {
    const early = client.reader.detach()
    if (early.length > 0) conn.socket.write(early)
    deps.steps.upgradeTunnel(client.socket, conn.socket, deps.tunnelIdleTimeoutMs)
    return 'tunnel'
  }
  if (result.kind === 'relayed') return deps.steps.afterDeclinedUpgrade(exchange, result)
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
 * After an answer other than a 101 was relayed, both connections stay HTTP
 * (RFC 9110 §7.8: the server ignored the upgrade; UPG-04): later client bytes
 * are parsed as requests, and the upstream connection goes back to the pool
 * when it may persist.
 */
export function afterDeclinedUpgrade(
  exchange: UpgradeExchange,
  result: { readonly clientMayPersist: boolean; readonly upstreamMayPersist: boolean },
): UpgradeEnd {
  const { conn, deps } = exchange
  if (result.upstreamMayPersist) deps.pool.release(conn)
  else conn.socket.destroy()
  return result.clientMayPersist ? 'persist' : 'close'
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
  const problem = deps.steps.switchProblem(response, offer)
  if (problem !== undefined)
    return { kind: 'no-response', why: 'invalid', bytesSeen: true, detail: problem }
  // The 101's own 'message' (framing 'tunnel'), then the bytes after its head are tunnel data.
  await conn.reader.next()
  const after = conn.reader.detach()
  const relayed = clientResponseHead({
    head: response,
    framing: 'none',
    close: false,
    viaName: deps.viaName,
    steps: deps.steps,
  })
  const bytes = deps.steps.clientSwitchHead(relayed, response, request)
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
 * Both directions relayed as a tunnel, byte for byte (RFC 6455 §5: the frames
 * are the endpoints' business, UPG-10), each close passed on (RFC 9110 §9.3.6
 * closing rules, UPG-14), by the CONNECT relay.
 */
export function upgradeTunnel(client: Socket, upstream: Socket, idleTimeoutMs: number): void {
  relay(client, upstream, idleTimeoutMs)
}
