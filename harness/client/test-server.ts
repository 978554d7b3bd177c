import { isTimeout, type TimeoutValue } from '../net/deadline.js'
import { startTcpServer, type TcpConnection } from '../tcp/tcp-server.js'
import type { StartedTcpServer } from '../tcp/types.js'

/** A raw server for the client's self-tests: a harness/tcp sink whose sockets the test drives. */
export interface ScriptServer {
  readonly server: StartedTcpServer
  readonly port: number
  /** The next accepted connection (subscribe before connecting). */
  nextConnection(timeoutMs: number): Promise<TcpConnection | TimeoutValue>
  close(): Promise<void>
}

export async function startScriptServer(): Promise<ScriptServer> {
  const live: TcpConnection[] = []
  const server = await startTcpServer({
    kind: 'sink',
    onOpen: (conn) => {
      // One write, one segment: the byte-at-a-time tests depend on it.
      conn.socket.setNoDelay(true)
      live.push(conn)
    },
  })
  return {
    server,
    port: server.port,
    async nextConnection(timeoutMs) {
      const record = await server.nextConnection(timeoutMs)
      if (isTimeout(record)) return record
      return (
        live.find((conn) => conn.record.id === record.id) ?? {
          kind: 'timeout',
          waitingFor: 'the socket',
          afterMs: 0,
        }
      )
    },
    close: () => server.close(),
  }
}

/** Writes `bytes` one byte per write, each after the previous one left. */
export async function writeByteByByte(conn: TcpConnection, bytes: string | Buffer): Promise<void> {
  for (const byte of Buffer.from(bytes)) {
    await new Promise<void>((resolve) => conn.socket.write(Buffer.of(byte), () => resolve()))
  }
}
