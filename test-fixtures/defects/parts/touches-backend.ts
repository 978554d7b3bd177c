/**
 * A look at a backend before refusing a request: the request's head is
 * written to the backend on a connection of its own, which is then closed
 * without reading an answer (a balancer that "tries" a full backend before it
 * answers 503). The socket ends itself once its bytes are out, or after a
 * second at most.
 */
import { connect } from 'node:net'
import type { RequestHead } from '../../../harness/wire/types.js'

export function touchBackend(address: string, port: number, head: RequestHead): void {
  const socket = connect({ host: address, port })
  socket.on('error', () => undefined)
  socket.setTimeout(1000, () => socket.destroy())
  const bytes = `${head.method} ${head.target} HTTP/1.1\r\nHost: proxyspec.test\r\nConnection: close\r\n\r\n`
  socket.end(bytes, 'latin1', () => socket.destroy())
}
