/**
 * Hostile targets: servers that are no proxy at all, or a broken one, for
 * the self-tests that prove a run against them ends, grades nothing as a
 * pass and keeps its memory bounded. Loopback only, like everything else.
 */
import { createServer, type Socket } from 'node:net'
import { ConnectionTracker, closeServer } from '../../harness/net/connection-tracker.js'
import { listenLoopback } from '../../harness/net/loopback.js'
import { onceClose, type Started } from '../../harness/net/started.js'

export type HostileKind =
  | 'black-hole' // accepts, reads, never answers
  | 'immediate-close' // FIN as soon as the connection is up
  | 'reset' // RST as soon as a byte arrives
  | 'garbage' // answers any bytes with bytes that are not HTTP
  | 'banner' // greets like an SSH server before anything is asked
  | 'trickle' // a valid response, one byte per 100 ms
  | 'endless-body' // 200 with chunked data that never ends
  | 'huge-head' // a status line, then 1 MB of header fields

export const HOSTILE_KINDS: readonly HostileKind[] = [
  'black-hole',
  'immediate-close',
  'reset',
  'garbage',
  'banner',
  'trickle',
  'endless-body',
  'huge-head',
]

export interface HostileServer extends Started {
  readonly kind: HostileKind
  readonly port: number
  readonly url: string
}

const TRICKLE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello')
const CHUNK = Buffer.from(`4000\r\n${'x'.repeat(0x4000)}\r\n`)

/** Writes `chunk` forever, as fast as the peer reads, until the socket goes. */
function flood(socket: Socket, head: Buffer, chunk: Buffer): void {
  socket.write(head)
  const more = (): void => {
    while (!socket.destroyed && socket.write(chunk)) {
      // keep writing until the kernel buffer is full, then wait for drain
    }
  }
  socket.on('drain', more)
  more()
}

function behave(kind: HostileKind, socket: Socket, timers: Set<NodeJS.Timeout>): void {
  socket.on('error', () => undefined)
  switch (kind) {
    case 'black-hole':
      socket.resume()
      return
    case 'immediate-close':
      socket.end()
      return
    case 'reset':
      socket.once('data', () => socket.resetAndDestroy())
      return
    case 'garbage':
      socket.on('data', () => socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x7f])))
      return
    case 'banner':
      socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')
      socket.resume()
      return
    case 'trickle':
      socket.once('data', () => {
        let at = 0
        // The hostile behaviour itself is the timer: one byte every 100 ms.
        const timer = setInterval(() => {
          if (socket.destroyed || at >= TRICKLE.length) {
            clearInterval(timer)
            timers.delete(timer)
            return
          }
          socket.write(TRICKLE.subarray(at, at + 1))
          at += 1
        }, 100)
        timers.add(timer)
      })
      return
    case 'endless-body':
      socket.once('data', () => {
        flood(socket, Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), CHUNK)
      })
      return
    case 'huge-head':
      socket.once('data', () => {
        const line = `X-Filler: ${'y'.repeat(1000)}\r\n`
        socket.write(`HTTP/1.1 200 OK\r\n${line.repeat(1024)}\r\n`)
        socket.resume()
      })
      return
  }
}

export async function startHostileServer(kind: HostileKind): Promise<HostileServer> {
  const tracker = new ConnectionTracker()
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer((socket) => behave(kind, socket, timers))
  tracker.watch(server)
  const address = await listenLoopback(server)
  const close = onceClose(async () => {
    for (const timer of timers) clearInterval(timer)
    timers.clear()
    await closeServer(server, tracker)
  })
  return {
    kind,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    close,
    [Symbol.asyncDispose]: close,
  }
}
