/**
 * CONNECT (RFC 9110 §9.3.6): connect to the target (directly, or through a
 * next-hop proxy), answer exactly `200 Connection Established` with no framing
 * fields, then relay octets both ways unchanged until both sides have closed.
 */
import type { Socket } from 'node:net'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { RequestHead } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'
import { openNextHopTunnel } from './next-hop-connect.js'
import type { Upstream } from './route-request.js'
import { CONNECT_ESTABLISHED, simpleResponse } from './simple-response.js'
import { writeAll } from './socket-io.js'
import { connectSocket } from './upstream-pool.js'

/** Limits of a CONNECT tunnel. */
export interface TunnelOptions {
  readonly tracker: ConnectionTracker
  readonly connectTimeoutMs: number
  /** A tunnel silent in both directions this long is torn down. */
  readonly idleTimeoutMs: number
  /** The next-hop proxy to ask for the tunnel instead of connecting directly. */
  readonly nextHop?: Upstream | undefined
  /** The seeded defect switched on, if any (harness/reference/proxy/defects.ts). */
  readonly defect?: ProxyDefect | undefined
}

/** What the client asked for: the routed destination and the CONNECT head itself. */
export interface TunnelRequest {
  readonly destination: Upstream
  /** "host:port" as the client named it, for the CONNECT sent to a next hop (RFC 9112 §3.2.3). */
  readonly authority: string
  readonly head: RequestHead
}

/** Seeded defects 'connect-2xx-as-http10', 'connect-copies-client-version': the 200 as HTTP/1.0. */
const ESTABLISHED_HTTP10 = Buffer.from('HTTP/1.0 200 Connection Established\r\n\r\n', 'latin1')

/** How opening the tunnel ended: 'hang' leaves the client waiting (a seeded defect only). */
export type TunnelEnd = 'open' | 'failed' | 'hang'

/**
 * Seeded defect 'connect-2xx-with-content-length': `Content-Length: 0` on the
 * 200, as google/martian (#209) and stripe/goproxy did [B9] (CONNECT-03).
 */
const ESTABLISHED_WITH_LENGTH = Buffer.from(
  'HTTP/1.1 200 Connection Established\r\nContent-Length: 0\r\n\r\n',
  'latin1',
)

/**
 * Opens the tunnel for a CONNECT the router accepted. `early` holds the bytes
 * the client sent after the CONNECT head (detached from the parser): they are
 * delivered first, in order (CONNECT-07). On failure: 502 (refused) or 504
 * (connect timeout), never a 2xx, and the caller closes the connection
 * (CONNECT-06, CONNECT-11).
 */
export async function openTunnel(
  client: Socket,
  request: TunnelRequest,
  early: Buffer,
  options: TunnelOptions,
): Promise<TunnelEnd> {
  const { defect } = options
  // Seeded defect 'answers-2xx-before-connecting': the 200 goes out before the
  // upstream connect, so an unreachable target looks like a tunnel that dies (CONNECT-11).
  const optimistic = defect === 'answers-2xx-before-connecting'
  if (optimistic && !(await writeAll(client, CONNECT_ESTABLISHED))) return 'failed'
  const upstream = options.nextHop ?? request.destination
  const connected = await connectSocket(upstream, {
    timeoutMs: options.connectTimeoutMs,
    tracker: options.tracker,
    allowHalfOpen: true,
  })
  if (connected.kind === 'failed') {
    if (optimistic) {
      client.destroy()
      return 'failed'
    }
    // Seeded defect 'hangs-when-upstream-refuses': the failure is never answered;
    // the client waits until its idle timeout.
    if (defect === 'hangs-when-upstream-refuses') {
      client.setTimeout(options.idleTimeoutMs, () => client.destroy())
      return 'hang'
    }
    const status = connected.timeout ? 504 : 502
    await writeAll(
      client,
      simpleResponse({
        status,
        text: `proxyspec could not connect to ${upstream.key}: ${connected.message}`,
        close: true,
      }),
    )
    return 'failed'
  }
  const { socket } = connected
  let fromUpstream: Buffer = Buffer.alloc(0)
  if (options.nextHop !== undefined) {
    const chained = await openNextHopTunnel(socket, request, options)
    if (chained.kind === 'refused') {
      socket.destroy()
      if (optimistic) client.destroy()
      else await writeAll(client, chained.response)
      return 'failed'
    }
    fromUpstream = chained.tunnelData
    // Seeded defect 'relays-next-hop-2xx-head': the next hop's 2xx head, CL/TE and all, passed on verbatim.
    if (defect === 'relays-next-hop-2xx-head' && !(await writeAll(client, chained.head.raw))) {
      socket.destroy()
      return 'failed'
    }
  }
  // Seeded defects 'connect-2xx-as-http10' (every 200 to CONNECT says HTTP/1.0, as Apache
  // mod_proxy_connect's does) and 'connect-copies-client-version' (the client's version
  // copied onto the 200): RFC 9110 §6.2 asks for the server's own, HTTP/1.1.
  const asHttp10 =
    defect === 'connect-2xx-as-http10' ||
    (defect === 'connect-copies-client-version' && request.head.version === 'HTTP/1.0')
  const established =
    defect === 'connect-2xx-with-content-length'
      ? ESTABLISHED_WITH_LENGTH
      : asHttp10
        ? ESTABLISHED_HTTP10
        : CONNECT_ESTABLISHED
  if (!optimistic && defect !== 'relays-next-hop-2xx-head') {
    if (!(await writeAll(client, established))) {
      socket.destroy()
      return 'failed'
    }
  }
  // Seeded defect 'drops-early-tunnel-data': what came with the CONNECT head is
  // thrown away with the parse buffer (apify/proxy-chain #284 [B12], CONNECT-07).
  if (early.length > 0 && defect !== 'drops-early-tunnel-data') socket.write(early)
  if (fromUpstream.length > 0) client.write(fromUpstream)
  relay(client, socket, options.idleTimeoutMs, defect)
  return 'open'
}

/** An HTTP/1.x request line at the start of a read: what 'rewrites-http-in-tunnel' decorates. */
const REQUEST_LINE = /^[A-Z]+ [^ \r\n]+ HTTP\/1\.[01]\r\n/

/**
 * Seeded defect 'rewrites-http-in-tunnel': a read from the client that starts
 * like an HTTP request gets a Via line, as a proxy that keeps parsing HTTP
 * inside the tunnel would add (CONNECT-05).
 */
function decorate(data: Buffer): Buffer {
  const line = REQUEST_LINE.exec(data.toString('latin1', 0, Math.min(data.length, 8192)))
  if (line === null) return data
  const at = line[0].length
  return Buffer.concat([
    data.subarray(0, at),
    Buffer.from('Via: 1.1 proxyspec\r\n'),
    data.subarray(at),
  ])
}

/**
 * Relays both directions with backpressure. A FIN from one side is passed on
 * (end() after what is buffered) and the other direction keeps flowing; once
 * both directions have ended both sockets close. A reset or abrupt close on
 * one side destroys the other (CONNECT-08).
 */
export function relay(a: Socket, b: Socket, idleTimeoutMs: number, defect?: ProxyDefect): void {
  const ended = new Set<Socket>()
  const teardown = (from: Socket, to: Socket, error: boolean): void => {
    if (to.destroyed) return
    if (error) to.resetAndDestroy()
    else to.destroy()
    from.destroy()
  }
  const pipe = (from: Socket, to: Socket): void => {
    const rewrite = defect === 'rewrites-http-in-tunnel' && from === a
    // Seeded defect 'drops-last-read-before-fin': each read is held back until the next
    // one, and the one still held when the FIN comes is thrown away with it (CONNECT-08).
    const holdBack = defect === 'drops-last-read-before-fin' && from === a
    let held: Buffer | undefined
    from.on('data', (data: Buffer) => {
      if (to.destroyed) return
      const chunk = holdBack ? held : data
      if (holdBack) held = data
      if (chunk === undefined) return
      if (!to.write(rewrite ? decorate(chunk) : chunk)) {
        from.pause()
        to.once('drain', () => from.resume())
      }
    })
    from.on('end', () => {
      ended.add(from)
      // Seeded defect 'closes-tunnel-on-first-fin': one FIN tears down both
      // sides at once, dropping what is still buffered (CONNECT-08).
      if (defect === 'closes-tunnel-on-first-fin') teardown(from, to, false)
      else to.end()
    })
    let failed = false
    from.on('error', () => {
      failed = true
    })
    from.on('close', () => {
      // After a clean FIN the other direction goes on; anything else ends the tunnel.
      if (failed || !ended.has(from)) teardown(from, to, failed)
    })
    from.setTimeout(idleTimeoutMs, () => {
      // Both idle: the timer fires on each socket's own inactivity; end the tunnel.
      teardown(from, to, false)
    })
    from.resume()
  }
  pipe(a, b)
  pipe(b, a)
}
