/**
 * CONNECT (RFC 9110 §9.3.6): connect to the target, answer exactly
 * `200 Connection Established` with no framing fields, then relay octets both
 * ways unchanged until both sides have closed.
 */
import type { Socket } from 'node:net'
import type { ConnectionTracker } from '../net/connection-tracker.js'
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
}

/**
 * Opens the tunnel for a CONNECT the router accepted. `early` holds the bytes
 * the client sent after the CONNECT head (detached from the parser): they are
 * delivered first, in order (CONNECT-07). On failure: 502 (refused) or 504
 * (connect timeout), never a 2xx, and the caller closes the connection
 * (CONNECT-06, CONNECT-11). Resolves true once the tunnel is open.
 */
export async function openTunnel(
  client: Socket,
  upstream: Upstream,
  early: Buffer,
  options: TunnelOptions,
): Promise<boolean> {
  const connected = await connectSocket(upstream, {
    timeoutMs: options.connectTimeoutMs,
    tracker: options.tracker,
    allowHalfOpen: true,
  })
  if (connected.kind === 'failed') {
    const status = connected.timeout ? 504 : 502
    await writeAll(
      client,
      simpleResponse({
        status,
        text: `proxyspec could not connect to ${upstream.key}: ${connected.message}`,
        close: true,
      }),
    )
    return false
  }
  const { socket } = connected
  if (!(await writeAll(client, CONNECT_ESTABLISHED))) {
    socket.destroy()
    return false
  }
  if (early.length > 0) socket.write(early)
  relay(client, socket, options.idleTimeoutMs)
  return true
}

/**
 * Relays both directions with backpressure. A FIN from one side is passed on
 * (end() after what is buffered) and the other direction keeps flowing; once
 * both directions have ended both sockets close. A reset or abrupt close on
 * one side destroys the other (CONNECT-08).
 */
export function relay(a: Socket, b: Socket, idleTimeoutMs: number): void {
  const ended = new Set<Socket>()
  const teardown = (from: Socket, to: Socket, error: boolean): void => {
    if (to.destroyed) return
    if (error) to.resetAndDestroy()
    else to.destroy()
    from.destroy()
  }
  const pipe = (from: Socket, to: Socket): void => {
    from.on('data', (data: Buffer) => {
      if (to.destroyed) return
      if (!to.write(data)) {
        from.pause()
        to.once('drain', () => from.resume())
      }
    })
    from.on('end', () => {
      ended.add(from)
      to.end()
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
