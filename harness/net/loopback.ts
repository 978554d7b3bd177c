import { once } from 'node:events'
import type { Server } from 'node:net'
import type { AddressInfo } from 'node:net'
import { HarnessError } from './errors.js'

export type LoopbackHost = '127.0.0.1' | '::1'

/**
 * Binds a server to a loopback address on a port the OS picks (or the given
 * one, for the few places that must fix it) and resolves once it listens.
 * Anything but loopback is refused: proxyspec never listens on a real interface.
 */
export async function listenLoopback(
  server: Server,
  host: LoopbackHost = '127.0.0.1',
  port = 0,
): Promise<AddressInfo> {
  if (host !== '127.0.0.1' && host !== '::1') {
    throw new HarnessError('HARNESS_NOT_LOOPBACK', `refusing to listen on ${String(host)}`)
  }
  const listening = once(server, 'listening')
  server.listen({ host, port, exclusive: true })
  try {
    await listening
  } catch (error) {
    throw new HarnessError(
      'HARNESS_LISTEN_FAILED',
      `cannot listen on ${host}:${port}: ${String(error)}`,
      {
        cause: error,
      },
    )
  }
  const address = server.address()
  if (
    address === null ||
    typeof address === 'string' ||
    (address.address !== '127.0.0.1' && address.address !== '::1')
  ) {
    server.close()
    throw new HarnessError('HARNESS_NOT_LOOPBACK', `listener bound to ${JSON.stringify(address)}`)
  }
  return address
}

/** "127.0.0.1:8080", or "[::1]:8080" for IPv6. */
export function authorityOf(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
