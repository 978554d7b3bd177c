/**
 * A TLS client whose raw TCP bytes are watched record by record, to see what
 * the API hides: whether the server sent close_notify before its FIN (RFC
 * 8446 §6.1, RFC 9112 §9.8). Under TLS 1.2 an alert travels in a record of
 * content type 21, encrypted but with its type in the clear, so the tap
 * offers TLS 1.2 only; under TLS 1.3 every record says 23.
 */
import { connect as netConnect, type Socket } from 'node:net'
import { Duplex } from 'node:stream'
import { connect, type TLSSocket } from 'node:tls'
import { raceTimeout, type TimeoutValue } from '../net/deadline.js'

/** What tapSocket gives: the stream to run TLS over, and what it saw arrive. */
export interface SocketTap {
  /** Hand this to TLS (tls.connect({ socket }) or new TLSSocket(wire)) instead of the raw socket. */
  readonly wire: Duplex
  /** Content types of the records received so far, in order. */
  readonly records: readonly number[]
  /** Resolves when the peer's FIN arrives (or the socket is torn down). */
  readonly closed: Promise<void>
  readonly finReceived: () => boolean
}

/**
 * Puts a record-watching stream between a raw socket and the TLS layer: every
 * byte passes unchanged, and the content type of each record that arrives is
 * kept (RFC 5246 §6.2.1: type, version, length, fragment). The raw socket
 * must allow half-open; it is resumed here.
 */
export function tapSocket(raw: Socket): SocketTap {
  const records: number[] = []
  let pending = Buffer.alloc(0)
  let fin = false
  const wire = new Duplex({
    read() {
      // Bytes are pushed as the raw socket delivers them.
    },
    write(chunk: Buffer, _encoding, done) {
      raw.write(chunk, done)
    },
    final(done) {
      raw.end()
      done()
    },
    destroy(error, done) {
      raw.destroy()
      done(error)
    },
  })
  raw.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk])
    while (pending.length >= 5) {
      const length = pending.readUInt16BE(3)
      if (pending.length < 5 + length) break
      records.push(pending[0] ?? 0)
      pending = pending.subarray(5 + length)
    }
    wire.push(chunk)
  })
  raw.on('end', () => {
    fin = true
    wire.push(null)
  })
  raw.on('error', () => wire.destroy())
  const closed = new Promise<void>((resolve) => {
    raw.once('end', resolve)
    raw.once('close', () => resolve())
  })
  raw.resume()
  return { wire, records, closed, finReceived: () => fin }
}

/** TLS record content types (RFC 5246 §6.2.1). */
export const RECORD_TYPE = { alert: 21, handshake: 22, applicationData: 23 } as const

export interface TappedTls {
  readonly socket: TLSSocket
  /** Content types of the records received so far, in order. */
  readonly records: readonly number[]
  /** True once the server's FIN arrived on the raw socket. */
  readonly finReceived: boolean
  /** Resolves when the server's FIN arrives on the raw socket (or it is torn down). */
  readonly closed: Promise<void>
  destroy(): void
}

/** Connects with TLS 1.2 through a tap: once the handshake is done, or how it failed, or a TimeoutValue. */
export async function connectTappedTls(options: {
  readonly host: string
  readonly port: number
  readonly servername: string
  readonly ca: string
  readonly timeoutMs: number
}): Promise<TappedTls | { readonly kind: 'failed'; readonly error: string } | TimeoutValue> {
  const raw = netConnect({ host: options.host, port: options.port, allowHalfOpen: true })
  const { wire, records, closed, finReceived } = tapSocket(raw)
  const socket = connect({
    socket: wire,
    servername: options.servername,
    ca: options.ca,
    maxVersion: 'TLSv1.2',
  })
  socket.on('error', () => raw.destroy())
  const destroy = (): void => {
    socket.destroy()
    raw.destroy()
  }
  const handshake = new Promise<string | undefined>((resolve) => {
    socket.once('secureConnect', () => resolve(undefined))
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
  const result = await raceTimeout('a TLS 1.2 handshake', handshake, options.timeoutMs)
  if (result !== undefined) {
    destroy()
    return typeof result === 'string' ? { kind: 'failed', error: result } : result
  }
  return {
    socket,
    get records() {
      return records
    },
    get finReceived() {
      return finReceived()
    },
    closed,
    destroy,
  }
}
