import { startTcpServer } from './tcp-server.js'
import type { EchoOptions, StartedTcpServer } from './types.js'

/**
 * A CONNECT target that writes back every byte it receives, in order. When the
 * peer half-closes, it ends its own side after everything is echoed, so a case
 * sees the FIN travel out through a tunnel and back.
 *
 * @example
 * await using echo = await startEchoServer()
 * // CONNECT ${echo.authority} through the target, write bytes, read them back
 */
export function startEchoServer(options: EchoOptions = {}): Promise<StartedTcpServer> {
  const endAfterPeerEnd = options.endAfterPeerEnd ?? true
  return startTcpServer({
    kind: 'echo',
    onData: (conn, data) => conn.write(data),
    onPeerEnd: (conn) => {
      // socket.end() queues the FIN behind the echoed bytes still being written.
      if (endAfterPeerEnd) conn.end()
    },
  })
}
