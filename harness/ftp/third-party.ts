/**
 * X of requirements §13.1.2: a third-party host on another loopback address
 * (127.0.0.3 binds on Linux without setup). It logs every connection it gets
 * and greets each with a banner, so bytes of X reaching the client are
 * visible; and it can connect out to a port a gateway announced (active-mode
 * theft, FTP-04) and send its own bytes first.
 *
 * @example
 * await using x = await startThirdParty()
 * origin.script({ EPSV: '500 no', PASV: { announceHost: x.host, announcePort: x.port, listen: false } })
 * // …; then: x.connections.length === 0
 */
import { createConnection, createServer, type Socket } from 'node:net'
import { isTimeout, raceTimeout, type TimeoutValue } from '../net/deadline.js'
import { HarnessError } from '../net/errors.js'
import { authorityOf } from '../net/loopback.js'
import { onceClose, type Started } from '../net/started.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import { isLoopback } from './addresses.js'

export interface ThirdPartyConnection {
  readonly id: string
  /** 'in': someone connected to X; 'out': X connected to someone (connectTo). */
  readonly direction: 'in' | 'out'
  readonly peer: { readonly address: string; readonly port: number }
  readonly openedAt: number
  readonly received: Buffer
  readonly closedAt?: number
}

export interface ThirdPartyOptions {
  /** A loopback address other than the origin's; default 127.0.0.3. */
  readonly host?: string
  /** Sent on every accepted connection; default 'X-BANNER\r\n'; null: none. */
  readonly banner?: string | Buffer | null
}

export interface ThirdParty extends Started {
  readonly host: string
  readonly port: number
  readonly authority: string
  readonly connections: readonly ThirdPartyConnection[]
  /** Connects to host:port (default the control host 127.0.0.1), sends `send` (default 'FORGED'). */
  connectTo(
    port: number,
    options: {
      readonly host?: string
      readonly send?: string | Buffer
      readonly timeoutMs: number
    },
  ): Promise<ThirdPartyConnection | TimeoutValue | ConnectFailure>
  /** The first incoming connection with index >= from. */
  waitForConnection(options: {
    readonly timeoutMs: number
    readonly from?: number
  }): Promise<ThirdPartyConnection | TimeoutValue>
}

/** connectTo could not connect (nobody listens there). */
export interface ConnectFailure {
  readonly kind: 'refused'
  readonly error: string
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export async function startThirdParty(options: ThirdPartyOptions = {}): Promise<ThirdParty> {
  const host = options.host ?? '127.0.0.3'
  if (!isLoopback(host))
    throw new HarnessError('HARNESS_NOT_LOOPBACK', `X binds loopback only, not ${host}`)
  const banner = options.banner === undefined ? 'X-BANNER\r\n' : options.banner
  const connections: Mutable<ThirdPartyConnection>[] = []
  const sockets = new Set<Socket>()
  const changes = new ChangeSignal()

  const watch = (socket: Socket, direction: 'in' | 'out'): Mutable<ThirdPartyConnection> => {
    const record: Mutable<ThirdPartyConnection> = {
      id: `x${connections.length + 1}`,
      direction,
      peer: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
      openedAt: performance.now(),
      received: Buffer.alloc(0),
    }
    connections.push(record)
    sockets.add(socket)
    socket.on('data', (chunk: Buffer) => {
      record.received = Buffer.concat([record.received, chunk])
      changes.notify()
    })
    socket.on('error', () => undefined)
    socket.on('end', () => socket.end())
    socket.once('close', () => {
      sockets.delete(socket)
      record.closedAt = performance.now()
      changes.notify()
    })
    changes.notify()
    return record
  }

  const server = createServer((socket) => {
    watch(socket, 'in')
    if (banner !== null) socket.write(banner)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new HarnessError('HARNESS_LISTEN_FAILED', `X cannot listen on ${host}: ${String(error)}`),
      ),
    )
    server.listen({ host, port: 0, exclusive: true }, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0

  const close = onceClose(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  return {
    host,
    port,
    authority: authorityOf(host, port),
    get connections() {
      return [...connections]
    },
    async connectTo(target, opts) {
      const socket = createConnection({
        host: opts.host ?? '127.0.0.1',
        port: target,
        localAddress: host,
      })
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      const opened = new Promise<ThirdPartyConnection>((resolve, reject) => {
        socket.once('error', reject)
        socket.once('connect', () => {
          const record = watch(socket, 'out')
          socket.write(opts.send ?? 'FORGED')
          resolve(record)
        })
      })
      const result = await raceTimeout(
        `X to connect to port ${target}`,
        opened,
        opts.timeoutMs,
      ).catch((error: unknown): ConnectFailure => ({ kind: 'refused', error: String(error) }))
      if (isTimeout(result) || ('kind' in result && result.kind === 'refused')) socket.destroy()
      return result
    },
    waitForConnection: (opts) =>
      changes.until(
        'a connection at X',
        () => connections.filter((c) => c.direction === 'in')[opts.from ?? 0],
        opts.timeoutMs,
      ),
    close,
    [Symbol.asyncDispose]: close,
  }
}
