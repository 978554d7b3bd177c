import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import type { TimeoutValue } from '../net/deadline.js'
import { ChangeSignal } from './wait-until.js'

/**
 * A bare node:net client for the self-tests of harness/tcp and harness/relay,
 * which must not depend on the raw client they help to test.
 */
export interface TestPeer {
  readonly socket: Socket
  received(): Buffer
  /** True once the server's FIN arrived. */
  readonly ended: boolean
  readonly closed: boolean
  readonly error: string | undefined
  waitForBytes(n: number, timeoutMs: number): Promise<Buffer | TimeoutValue>
  waitForEnd(timeoutMs: number): Promise<Buffer | TimeoutValue>
  waitForClose(timeoutMs: number): Promise<Buffer | TimeoutValue>
  destroy(): void
}

/** Connects with allowHalfOpen, so the server's FIN and our own are separate events. */
export async function connectTestPeer(port: number, host = '127.0.0.1'): Promise<TestPeer> {
  const socket = connect({ host, port, allowHalfOpen: true })
  socket.setNoDelay(true)
  const chunks: Buffer[] = []
  const changes = new ChangeSignal()
  let ended = false
  let closed = false
  let error: string | undefined
  socket.on('data', (data: Buffer) => {
    chunks.push(data)
    changes.notify()
  })
  socket.on('end', () => {
    ended = true
    changes.notify()
  })
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error = e.code ?? e.message
  })
  socket.on('close', () => {
    closed = true
    changes.notify()
  })
  await once(socket, 'connect')
  const received = (): Buffer => Buffer.concat(chunks)
  return {
    socket,
    received,
    get ended() {
      return ended
    },
    get closed() {
      return closed
    },
    get error() {
      return error
    },
    waitForBytes: (n, timeoutMs) =>
      changes.until(
        `${n} bytes`,
        () => (received().length >= n ? received() : undefined),
        timeoutMs,
      ),
    waitForEnd: (timeoutMs) =>
      changes.until('the server FIN', () => (ended ? received() : undefined), timeoutMs),
    waitForClose: (timeoutMs) =>
      changes.until('the socket to close', () => (closed ? received() : undefined), timeoutMs),
    destroy: () => socket.destroy(),
  }
}
