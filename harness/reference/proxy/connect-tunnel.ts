/**
 * CONNECT (RFC 9110 §9.3.6): connect to the target (directly, or through a
 * next-hop proxy), answer exactly `200 Connection Established` with no framing
 * fields, then relay octets both ways unchanged until both sides have closed.
 */
import type { Socket } from 'node:net'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { RequestHead, ResponseHead } from '../../wire/types.js'
import { openNextHopTunnel } from './next-hop-connect.js'
import type { Upstream } from './route-request.js'
import { CONNECT_ESTABLISHED, simpleResponse } from './simple-response.js'
import { writeAll } from './socket-io.js'
import type { ConnectSteps } from './steps/connect.js'
import { connectSocket } from './upstream-pool.js'

/** The steps a tunnel is made of. */
export type TunnelSteps = Pick<
  ConnectSteps,
  | 'establishedHead'
  | 'answerTunnelFailure'
  | 'tunnelBytes'
  | 'tunnelFin'
  | 'nextHopConnect'
  | 'nextHopTunnelData'
>

/** Limits of a CONNECT tunnel. */
export interface TunnelOptions {
  readonly tracker: ConnectionTracker
  readonly connectTimeoutMs: number
  /** A tunnel silent in both directions this long is torn down. */
  readonly idleTimeoutMs: number
  /** The next-hop proxy to ask for the tunnel instead of connecting directly. */
  readonly nextHop?: Upstream | undefined
  /** The pipeline's steps (steps/connect.ts). */
  readonly steps: TunnelSteps
}

/** What the client asked for: the routed destination and the CONNECT head itself. */
export interface TunnelRequest {
  readonly destination: Upstream
  /** "host:port" as the client named it, for the CONNECT sent to a next hop (RFC 9112 §3.2.3). */
  readonly authority: string
  readonly head: RequestHead
}

/** How opening the tunnel ended: 'hang' leaves the client waiting for its idle timeout. */
export type TunnelEnd = 'open' | 'failed' | 'hang'

/**
 * The head of our 2xx to a CONNECT, whatever the CONNECT and a next hop's own
 * 2xx said: exactly `200 Connection Established` in our own version, HTTP/1.1
 * (RFC 9110 §6.2), with no Content-Length or Transfer-Encoding (RFC 9110
 * §9.3.6, CONNECT-03).
 */
export function establishedHead(): Buffer {
  return CONNECT_ESTABLISHED
}

/**
 * Answers a CONNECT whose tunnel could not be opened with `response` (502 or
 * 504, never a 2xx, RFC 9110 §9.3.6); the caller closes the connection (CONNECT-11).
 */
export async function answerTunnelFailure(client: Socket, response: Buffer): Promise<TunnelEnd> {
  await writeAll(client, response)
  return 'failed'
}

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
  const { steps } = options
  const upstream = options.nextHop ?? request.destination
  const connected = await connectSocket(upstream, {
    timeoutMs: options.connectTimeoutMs,
    tracker: options.tracker,
    allowHalfOpen: true,
  })
  if (connected.kind === 'failed') {
    const response = simpleResponse({
      status: connected.timeout ? 504 : 502,
      text: `proxyspec could not connect to ${upstream.key}: ${connected.message}`,
      close: true,
    })
    return steps.answerTunnelFailure(client, response, options.idleTimeoutMs)
  }
  const { socket } = connected
  let fromUpstream: Buffer = Buffer.alloc(0)
  let nextHopHead: ResponseHead | undefined
  if (options.nextHop !== undefined) {
    const chained = await openNextHopTunnel(socket, request, options)
    if (chained.kind === 'refused') {
      socket.destroy()
      return steps.answerTunnelFailure(client, chained.response, options.idleTimeoutMs)
    }
    fromUpstream = chained.tunnelData
    nextHopHead = chained.head
  }
  if (!(await writeAll(client, steps.establishedHead(request.head, nextHopHead)))) {
    socket.destroy()
    return 'failed'
  }
  if (early.length > 0) socket.write(early)
  if (fromUpstream.length > 0) client.write(fromUpstream)
  relay(client, socket, options.idleTimeoutMs, steps)
  return 'open'
}

/**
 * What a tunnel passes on, for each read in one direction (the step gets
 * `toTarget`: from the client): the octets unchanged (RFC 9110 §9.3.6,
 * CONNECT-05). Called once per direction and tunnel; an empty result passes
 * nothing on.
 */
export function tunnelBytes(): (read: Buffer) => Buffer {
  return (read) => read
}

/**
 * A FIN from one side of a tunnel: passed on with end() after what is
 * buffered, and the other direction keeps flowing (RFC 9110 §9.3.6, CONNECT-08).
 */
export function tunnelFin(_from: Socket, to: Socket): void {
  to.end()
}

/**
 * Relays both directions with backpressure. A FIN from one side is passed on
 * (end() after what is buffered) and the other direction keeps flowing; once
 * both directions have ended both sockets close. A reset or abrupt close on
 * one side destroys the other (CONNECT-08). `a` is the client's side.
 */
export function relay(
  a: Socket,
  b: Socket,
  idleTimeoutMs: number,
  steps: Pick<ConnectSteps, 'tunnelBytes' | 'tunnelFin'> = { tunnelBytes, tunnelFin },
): void {
  const ended = new Set<Socket>()
  const teardown = (from: Socket, to: Socket, error: boolean): void => {
    if (to.destroyed) return
    if (error) to.resetAndDestroy()
    else to.destroy()
    from.destroy()
  }
  const pipe = (from: Socket, to: Socket): void => {
    const pass = steps.tunnelBytes(from === a)
    from.on('data', (data: Buffer) => {
      if (to.destroyed) return
      const chunk = pass(data)
      if (chunk.length === 0) return
      if (!to.write(chunk)) {
        from.pause()
        to.once('drain', () => from.resume())
      }
    })
    from.on('end', () => {
      ended.add(from)
      steps.tunnelFin(from, to)
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
