import { createServer, type Socket } from 'node:net'
import { ConnectionTracker, closeServer } from '../../harness/net/connection-tracker.js'
import { listenLoopback } from '../../harness/net/loopback.js'

/** An echo listener on [::1] at the port of a 127.0.0.1 CONNECT target, so it is in the same allow-list. */
export interface Ipv6Twin {
  readonly port: number
  /** Connections accepted so far. */
  readonly accepted: number
  close(): Promise<void>
}

/**
 * Listens on [::1]:`port` (the same port number as an allowed IPv4 target:
 * another address, so no clash) and echoes what arrives. undefined when the
 * machine has no ::1 or the port is taken there.
 */
export async function startIpv6Twin(port: number): Promise<Ipv6Twin | undefined> {
  let accepted = 0
  const tracker = new ConnectionTracker()
  const server = createServer((socket: Socket) => {
    accepted += 1
    socket.on('error', () => undefined)
    socket.pipe(socket)
  })
  tracker.watch(server)
  try {
    await listenLoopback(server, '::1', port)
  } catch {
    server.close()
    return undefined
  }
  return {
    port,
    get accepted() {
      return accepted
    },
    close: () => closeServer(server, tracker),
  }
}
