import { startTcpServer } from './tcp-server.js'
import type { SinkOptions, StartedTcpServer } from './types.js'

/**
 * A CONNECT target that records what it receives and never answers. By default
 * it keeps its own half open after the peer's FIN, so a case can tell a
 * propagated half-close from a full close.
 *
 * @example
 * await using sink = await startSinkServer()
 * const conn = sink.nextConnection(1000) // subscribe before you act
 */
export function startSinkServer(options: SinkOptions = {}): Promise<StartedTcpServer> {
  const endAfterPeerEnd = options.endAfterPeerEnd ?? false
  return startTcpServer({
    kind: 'sink',
    onPeerEnd: (conn) => {
      if (endAfterPeerEnd) conn.end()
    },
  })
}
