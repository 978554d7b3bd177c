/**
 * For the seeded defects of the tunnel after a 101: a hand-rolled relay of the
 * two sockets (data events and `end` wired by hand, as small proxies do),
 * which may rewrite what the client sends and may fail to pass the upstream's
 * FIN on. The reference relays with the CONNECT relay instead
 * (harness/reference/proxy/connect-tunnel.ts).
 */
import type { Socket } from 'node:net'

export interface HandRolledTunnel {
  /** Rewrites each chunk the client sends before it goes upstream. */
  readonly rewriteClientBytes?: (chunk: Buffer) => Buffer
  /** Whether the upstream's FIN is passed on to the client (UPG-14). */
  readonly passesUpstreamEnd: boolean
}

export function handRolledTunnel(
  client: Socket,
  upstream: Socket,
  idleTimeoutMs: number,
  how: HandRolledTunnel,
): void {
  const rewrite = how.rewriteClientBytes ?? ((chunk: Buffer) => chunk)
  client.on('data', (chunk: Buffer) => upstream.write(rewrite(chunk)))
  upstream.on('data', (chunk: Buffer) => client.write(chunk))
  client.on('end', () => upstream.end())
  upstream.on('end', () => {
    if (how.passesUpstreamEnd) client.end()
  })
  client.on('error', () => upstream.destroy())
  upstream.on('error', () => client.destroy())
  client.on('close', () => upstream.destroy())
  client.setTimeout(idleTimeoutMs, () => client.destroy())
  client.resume()
  upstream.resume()
}
