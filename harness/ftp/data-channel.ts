/**
 * The data side of one control connection: a passive listener (PASV/EPSV) or
 * an active target (PORT/EPRT), the data socket it yields, and the transfer
 * itself (send with an optional cut, or receive for STOR). Every socket and
 * listener is registered with the origin so close() ends them.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import type { FtpLog } from './ftp-log.js'
import type { Timers } from './later.js'
import type { FtpDataRecord } from './types.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** What the origin lends every data channel: registration for close(), the log, timers. */
export interface DataEnvironment {
  readonly log: FtpLog
  readonly timers: Timers
  readonly host: string
  track(item: Socket | Server): void
  /** Whether a data connection from `address` is allowed for a control connection from `controlPeer`. */
  allowed(address: string, controlPeer: string): boolean
}

export interface DataSocket {
  readonly socket: Socket
  readonly record: Mutable<FtpDataRecord>
}

function normalise(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '')
}

/** Watches a data socket: counts received bytes and records how it ended. */
function watch(env: DataEnvironment, socket: Socket, record: Mutable<FtpDataRecord>): void {
  env.track(socket)
  socket.on('data', (chunk: Buffer) => env.log.dataReceived(record, chunk))
  socket.on('end', () => {
    record.endedBy ??= 'peer'
    record.ending ??= 'fin'
  })
  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
      record.endedBy ??= 'peer'
      record.ending ??= 'rst'
    }
  })
  socket.on('close', () =>
    env.log.closeData(record, record.endedBy ?? 'origin', record.ending ?? 'fin'),
  )
}

export class DataChannel {
  readonly #env: DataEnvironment
  readonly #conn: string
  readonly #controlPeer: string
  #count = 0
  #listener: Server | undefined
  #kind: 'pasv' | 'epsv' = 'pasv'
  #active: { host: string; port: number } | undefined
  #ready: DataSocket | undefined
  #waiters: ((s: DataSocket) => void)[] = []

  constructor(env: DataEnvironment, conn: string, controlPeer: string) {
    this.#env = env
    this.#conn = conn
    this.#controlPeer = controlPeer
  }

  #nextId(): string {
    this.#count += 1
    return `${this.#conn}.d${this.#count}`
  }

  /** Opens a passive listener on the origin's host; resolves with its port. */
  async listen(kind: 'pasv' | 'epsv'): Promise<number> {
    this.reset()
    this.#kind = kind
    const server = createServer({ pauseOnConnect: true }, (socket) => this.#accepted(socket))
    this.#env.track(server)
    this.#listener = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: this.#env.host, port: 0 }, () => resolve())
    })
    const address = server.address()
    return typeof address === 'object' && address !== null ? address.port : 0
  }

  #accepted(socket: Socket): void {
    const peer = { address: normalise(socket.remoteAddress), port: socket.remotePort ?? 0 }
    const refused = !this.#env.allowed(peer.address, this.#controlPeer)
    const record = this.#env.log.openData({
      id: this.#nextId(),
      conn: this.#conn,
      kind: this.#kind,
      peer,
      refused,
    })
    watch(this.#env, socket, record)
    if (refused) {
      record.endedBy = 'origin'
      record.ending = 'rst'
      socket.resetAndDestroy()
      return
    }
    // One data connection per listener, as real servers do.
    this.#listener?.close()
    this.#listener = undefined
    this.#offer({ socket, record })
  }

  #offer(data: DataSocket): void {
    const waiter = this.#waiters.shift()
    if (waiter === undefined) this.#ready = data
    else waiter(data)
  }

  /** PORT/EPRT: remember where to connect when a transfer starts. */
  setActive(host: string, port: number): void {
    this.reset()
    this.#active = { host, port }
  }

  get mode(): 'none' | 'passive' | 'active' {
    if (this.#active !== undefined) return 'active'
    return this.#listener !== undefined || this.#ready !== undefined ? 'passive' : 'none'
  }

  /**
   * The data socket for a transfer: the accepted passive connection (waiting
   * up to timeoutMs for it), or a new active connection. undefined: none came.
   * With `take: false` a passive socket is left paused and unread.
   */
  async open(timeoutMs: number, take = true): Promise<DataSocket | undefined> {
    if (this.#active !== undefined) {
      if (!take) return undefined
      const { host, port } = this.#active
      this.#active = undefined
      return this.#connect(host, port, timeoutMs)
    }
    if (this.#ready === undefined && this.#listener === undefined) return undefined
    const data =
      this.#ready ??
      (await new Promise<DataSocket | undefined>((resolve) => {
        const cancel = this.#env.timers.after(timeoutMs, () => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter)
          resolve(undefined)
        })
        const waiter = (s: DataSocket): void => {
          cancel()
          resolve(s)
        }
        this.#waiters.push(waiter)
      }))
    this.#ready = undefined
    if (data !== undefined && take) data.socket.resume()
    return data
  }

  #connect(host: string, port: number, timeoutMs: number): Promise<DataSocket | undefined> {
    return new Promise((resolve) => {
      const socket = createConnection({ host, port, localAddress: this.#env.host })
      socket.setNoDelay(true)
      this.#env.track(socket)
      const cancel = this.#env.timers.after(timeoutMs, () => {
        socket.destroy()
        resolve(undefined)
      })
      socket.once('error', () => {
        cancel()
        resolve(undefined)
      })
      socket.once('connect', () => {
        cancel()
        socket.removeAllListeners('error')
        const record = this.#env.log.openData({
          id: this.#nextId(),
          conn: this.#conn,
          kind: 'active',
          peer: { address: normalise(socket.remoteAddress), port: socket.remotePort ?? port },
          refused: false,
        })
        watch(this.#env, socket, record)
        resolve({ socket, record })
      })
    })
  }

  /** Drops the listener and any unused connection (a new PASV/PORT, or the session ended). */
  reset(): void {
    this.#listener?.close()
    this.#listener = undefined
    this.#active = undefined
    if (this.#ready !== undefined) {
      this.#ready.record.endedBy ??= 'origin'
      this.#ready.socket.destroy()
      this.#ready = undefined
    }
  }
}
