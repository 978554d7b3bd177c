import { createServer } from 'node:net'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import type { TimeoutValue } from '../net/deadline.js'
import { listenLoopback } from '../net/loopback.js'
import { onceClose, type Started } from '../net/started.js'
import { ChangeSignal } from '../tcp/wait-until.js'

/** A request as the test origin received it: the connection's number and the exact bytes. */
export interface TestOriginRequest {
  readonly conn: number
  readonly bytes: Buffer
}

export interface TestOrigin extends Started {
  readonly port: number
  readonly requests: readonly TestOriginRequest[]
  /** Resolves once the origin has received `n` bytes in all (requests complete or not). */
  waitForBytes(n: number, timeoutMs: number): Promise<number | TimeoutValue>
  waitForRequests(
    n: number,
    timeoutMs: number,
  ): Promise<readonly TestOriginRequest[] | TimeoutValue>
}

export const TEST_BODY = 'ten bytes!'

/**
 * The HTTP/1.0 origin of the book's dumb-proxy story, for relay self-tests: it
 * honours `Connection: keep-alive` (answers with it and holds the connection)
 * and otherwise answers and closes. Requests are cut at the empty line plus
 * their Content-Length, so a test can compare exact bytes.
 */
export async function startTestOrigin(): Promise<TestOrigin> {
  const requests: TestOriginRequest[] = []
  const changes = new ChangeSignal()
  const tracker = new ConnectionTracker()
  let conns = 0
  let bytes = 0
  const server = createServer((socket) => {
    const conn = (conns += 1)
    let buffered = Buffer.alloc(0)
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data])
      bytes += data.length
      changes.notify()
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buffered.subarray(0, end + 4).toString('latin1')
        const length = end + 4 + Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0)
        if (buffered.length < length) return
        requests.push({ conn, bytes: buffered.subarray(0, length) })
        buffered = buffered.subarray(length)
        changes.notify()
        const keepAlive = /^connection:.*keep-alive/im.test(head)
        socket.write(testOriginResponse(keepAlive))
        if (!keepAlive) socket.end()
      }
    })
    socket.on('error', () => undefined)
  })
  tracker.watch(server)
  const address = await listenLoopback(server)
  const close = onceClose(() => closeServer(server, tracker))
  return {
    port: address.port,
    requests,
    waitForBytes: (n, timeoutMs) =>
      changes.until(`${n} bytes at the origin`, () => (bytes >= n ? bytes : undefined), timeoutMs),
    waitForRequests: (n, timeoutMs) =>
      changes.until(
        `${n} requests at the origin`,
        () => (requests.length >= n ? requests : undefined),
        timeoutMs,
      ),
    close,
    [Symbol.asyncDispose]: () => close(),
  }
}

/** The exact response startTestOrigin sends. */
export function testOriginResponse(keepAlive: boolean): string {
  return `HTTP/1.0 200 OK\r\nContent-Length: ${TEST_BODY.length}\r\n${keepAlive ? 'Connection: keep-alive\r\n' : ''}\r\n${TEST_BODY}`
}
