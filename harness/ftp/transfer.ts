/**
 * Moving bytes on an open data socket: send a source (with TYPE A conversion,
 * an optional cut at N bytes by FIN, RST or stall), or receive a STOR upload.
 */
import type { Socket } from 'node:net'
import type { DataSocket } from './data-channel.js'

/** Bytes to send, read by range (a file, a listing, a scripted buffer). */
export interface ByteSource {
  readonly size: number
  read(start: number, end: number): Buffer
}

export function bufferSource(bytes: Buffer): ByteSource {
  return { size: bytes.length, read: (start, end) => bytes.subarray(start, end) }
}

/** TYPE A on the wire: every LF becomes CRLF. */
export function toAscii(bytes: Buffer): Buffer {
  let lf = 0
  for (const b of bytes) if (b === 0x0a) lf += 1
  if (lf === 0) return bytes
  const out = Buffer.allocUnsafe(bytes.length + lf)
  let at = 0
  for (const b of bytes) {
    if (b === 0x0a) out[at++] = 0x0d
    out[at++] = b
  }
  return out
}

/** The length of a source as TYPE A would send it. */
export function asciiSize(source: ByteSource): number {
  let size = source.size
  const step = 1024 * 1024
  for (let at = 0; at < source.size; at += step)
    for (const b of source.read(at, Math.min(source.size, at + step))) if (b === 0x0a) size += 1
  return size
}

export interface SendOptions {
  readonly offset: number
  readonly ascii: boolean
  readonly cutAfter?: number
  readonly cut?: 'close' | 'rst' | 'stall'
  readonly chunk?: number
}

export type SendResult = 'complete' | 'cut' | 'stalled' | 'gone'

function write(socket: Socket, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || !socket.writable) {
      resolve(false)
      return
    }
    const onClose = (): void => resolve(false)
    socket.once('close', onClose)
    const flushed = socket.write(bytes, () => {
      socket.off('close', onClose)
      resolve(!socket.destroyed)
    })
    if (!flushed) return
  })
}

/** Sends the source from `offset`; resolves when the data side ended as scripted. */
export async function sendSource(
  data: DataSocket,
  source: ByteSource,
  options: SendOptions,
): Promise<SendResult> {
  const { socket, record } = data
  const chunk = options.chunk ?? 64 * 1024
  const limit = options.cutAfter ?? Infinity
  let sent = 0
  for (let at = options.offset; at < source.size && sent < limit; at += chunk) {
    let bytes = source.read(at, Math.min(source.size, at + chunk))
    if (options.ascii) bytes = toAscii(bytes)
    if (sent + bytes.length > limit) bytes = bytes.subarray(0, limit - sent)
    if (!(await write(socket, bytes))) return 'gone'
    sent += bytes.length
    record.sent += bytes.length
  }
  if (sent >= limit && options.cutAfter !== undefined) {
    if (options.cut === 'stall') return 'stalled'
    record.endedBy ??= 'origin'
    if (options.cut === 'rst') {
      record.ending ??= 'rst'
      socket.resetAndDestroy()
    } else {
      record.ending ??= 'fin'
      socket.end()
    }
    return 'cut'
  }
  record.endedBy ??= 'origin'
  record.ending ??= 'fin'
  socket.end()
  return 'complete'
}

/** Reads a STOR upload to its end; undefined when the connection was reset. */
export function receiveAll(data: DataSocket): Promise<Buffer | undefined> {
  const parts: Buffer[] = []
  return new Promise((resolve) => {
    data.socket.on('data', (chunk: Buffer) => parts.push(chunk))
    data.socket.once('end', () => {
      data.socket.end()
      resolve(Buffer.concat(parts))
    })
    data.socket.once('close', () => resolve(undefined))
  })
}
