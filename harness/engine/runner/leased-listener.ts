import type { StartedTcpServer, TcpConnectionRecord, TcpEventListener } from '../../tcp/types.js'

/**
 * A run's shared listener as the case that leased it sees it: only the
 * connections accepted since the lease. A connection an earlier holder left
 * open (a tunnel the target still keeps, a late connect) is not this case's:
 * it shows in neither `connections` nor the events the transcript taps. The
 * case cannot close the listener; the pool owns it.
 */
export function leasedListener(server: StartedTcpServer): StartedTcpServer {
  const earlier = new Set(server.connections.map((c) => c.id))
  const mine = (id: string): boolean => !earlier.has(id)
  return {
    kind: server.kind,
    host: server.host,
    port: server.port,
    authority: server.authority,
    get connections(): readonly TcpConnectionRecord[] {
      return server.connections.filter((c) => mine(c.id))
    },
    // Accepted after the call, so during the lease: always this case's.
    nextConnection: (timeoutMs) => server.nextConnection(timeoutMs),
    waitForBytes: (id, n, timeoutMs) => server.waitForBytes(id, n, timeoutMs),
    waitForPeerEnd: (id, timeoutMs) => server.waitForPeerEnd(id, timeoutMs),
    drive: (id) => (mine(id) ? server.drive(id) : undefined),
    onEvent: (listener: TcpEventListener) =>
      server.onEvent((event) => {
        if (mine(event.conn)) listener(event)
      }),
    // The pool forgets between leases; the case holding one has nothing to forget.
    forgetClosed: () => undefined,
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  }
}
