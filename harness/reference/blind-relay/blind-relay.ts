import { connect, createServer, type Socket } from 'node:net'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { HarnessError } from '../../net/errors.js'
import { authorityOf, listenLoopback } from '../../net/loopback.js'
import { onceClose } from '../../net/started.js'
import { scanFirstRequest, type FirstRequestScan } from '../../relay/first-request.js'
import { loopbackAddress } from '../../relay/loopback-address.js'
import type { BlindRelayOptions, StartedBlindRelay } from '../../relay/types.js'

interface Upstream {
  readonly host: string
  readonly port: number
}

/** Picks where to connect for a scanned head, or undefined to refuse the connection. */
type Route = (head: Extract<FirstRequestScan, { kind: 'head' }>) => Upstream | undefined

/**
 * The blind relay of "HTTP: The Definitive Guide" ch. 8 (Fig. 8-14) and the
 * dumb proxy of ch. 4: it reads the first request head only far enough to know
 * where to connect, forwards that request byte for byte (Connection and
 * Keep-Alive included, absolute-form kept, no Via), then relays the server's
 * bytes until the SERVER closes, and only then closes the client. Anything the
 * client sends after its first request is ignored, so a client that believed
 * the forwarded keep-alive hangs on its second request (RFC 9112 App. C.2.2).
 * It only ever dials loopback addresses.
 *
 * @example
 * await using relay = await startBlindRelay({ mode: 'reverse', upstream: { host: '127.0.0.1', port: origin.port } })
 */
export async function startBlindRelay(options: BlindRelayOptions): Promise<StartedBlindRelay> {
  const route = routeFor(options)
  const tracker = new ConnectionTracker()
  const server = createServer({ allowHalfOpen: true }, (client) => {
    relayConnection(client, route, (upstream) => tracker.add(upstream))
  })
  tracker.watch(server)
  const address = await listenLoopback(server)
  const authority = authorityOf(address.address, address.port)
  const close = onceClose(() => closeServer(server, tracker))
  return {
    mode: options.mode,
    host: address.address,
    port: address.port,
    authority,
    url: `http://${authority}`,
    close,
    [Symbol.asyncDispose]: () => close(),
  }
}

function routeFor(options: BlindRelayOptions): Route {
  if (options.mode === 'forward') {
    return (head) => {
      const upstream = absoluteFormAuthority(head.target)
      if (upstream === undefined) return undefined
      const host = loopbackAddress(upstream.host)
      return host === undefined ? undefined : { host, port: upstream.port }
    }
  }
  if (options.upstream === undefined) {
    throw new HarnessError('HARNESS_BAD_INPUT', 'a reverse blind relay needs an upstream')
  }
  const host = loopbackAddress(options.upstream.host)
  if (host === undefined) {
    throw new HarnessError('HARNESS_NOT_LOOPBACK', `refusing to relay to ${options.upstream.host}`)
  }
  const fixed = { host, port: options.upstream.port }
  return () => fixed
}

/** host and port of an `http://host[:port]/…` request-target (port 80 by default). */
function absoluteFormAuthority(target: string): Upstream | undefined {
  if (!/^http:\/\//i.test(target)) return undefined
  try {
    const url = new URL(target)
    return { host: url.hostname, port: url.port === '' ? 80 : Number(url.port) }
  } catch {
    return undefined
  }
}

function relayConnection(client: Socket, route: Route, track: (upstream: Socket) => void): void {
  const pending: Buffer[] = []
  let state: 'head' | 'body' | 'done' = 'head'
  let remaining = 0
  let upstream: Socket | undefined
  // destroySoon: written bytes still go out, then the socket closes (FIN, not RST).
  const refuse = (): void => {
    state = 'done'
    client.destroySoon()
  }

  client.on('data', (data: Buffer) => {
    if (state === 'done') return // a second request: the dumb relay is not listening for one
    if (state === 'body') {
      const piece = data.subarray(0, remaining)
      remaining -= piece.length
      if (remaining === 0) state = 'done'
      upstream?.write(piece)
      return
    }
    pending.push(data)
    const received = Buffer.concat(pending)
    const scan = scanFirstRequest(received)
    if (scan.kind === 'need-more') return
    if (scan.kind === 'invalid') return refuse()
    const to = route(scan)
    if (to === undefined) return refuse()
    const first = received.subarray(0, scan.totalLength)
    remaining = scan.totalLength - first.length
    state = remaining > 0 ? 'body' : 'done'
    upstream = openUpstream(to, client)
    track(upstream)
    // Written before the connection is up: net.Socket queues it, and it goes out unchanged.
    upstream.write(first)
  })
  client.on('error', () => undefined)
  client.on('close', () => upstream?.destroy())
}

function openUpstream(to: Upstream, client: Socket): Socket {
  const upstream = connect({ host: to.host, port: to.port })
  upstream.setNoDelay(true)
  upstream.pipe(client, { end: false })
  // Only the server's close ends the exchange: that is the whole flaw this relay models (RFC 9112 App. C.2.2).
  upstream.on('end', () => client.destroySoon())
  upstream.on('error', () => client.destroy())
  return upstream
}
