/**
 * A TLS client whose raw TCP bytes are watched record by record, to see what
 * the API hides: whether the server sent close_notify before its FIN (RFC
 * 8446 §6.1, RFC 9112 §9.8). Under TLS 1.2 an alert travels in a record of
 * content type 21, encrypted but with its type in the clear, so the tap
 * offers TLS 1.2 only; under TLS 1.3 every record says 23.
 */
import { connect as netConnect } from 'node:net'
import { Duplex } from 'node:stream'
import { connect, type TLSSocket } from 'node:tls'
import { raceTimeout, type TimeoutValue } from '../net/deadline.js'

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
  const records: number[] = []
  let pending = Buffer.alloc(0)
  let finReceived = false
  // The TLS layer reads and writes through this pair; the tap sees every byte.
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
  })
  raw.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk])
    // A record: type (1), version (2), length (2), then the fragment (RFC 5246 §6.2.1).
    while (pending.length >= 5) {
      const length = pending.readUInt16BE(3)
      if (pending.length < 5 + length) break
      records.push(pending[0] ?? 0)
      pending = pending.subarray(5 + length)
    }
    wire.push(chunk)
  })
  raw.on('end', () => {
    finReceived = true
    wire.push(null)
  })
  raw.on('error', () => wire.destroy())
  // The server's FIN (or a reset): what the close_notify check waits for.
  const closed = new Promise<void>((resolve) => {
    raw.once('end', resolve)
    raw.once('close', () => resolve())
  })
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
      return finReceived
    },
    closed,
    destroy,
  }
}
