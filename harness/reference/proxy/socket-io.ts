/**
 * Writing with backpressure, and closing in stages (RFC 9112 §9.6).
 */
import type { Socket } from 'node:net'

/**
 * Writes `data` and resolves once the socket can take more: true, or false if
 * the socket closed, failed or went idle (socket.setTimeout) while we waited
 * for it to drain. Every wait here ends: a peer that stops reading costs one
 * idle timeout, then its socket is destroyed.
 */
export async function writeAll(socket: Socket, data: Buffer): Promise<boolean> {
  if (socket.destroyed || !socket.writable) return false
  if (data.length === 0 || socket.write(data)) return true
  return new Promise<boolean>((resolve) => {
    const finish = (ok: boolean): void => {
      socket.off('drain', onDrain)
      socket.off('close', onClose)
      socket.off('timeout', onTimeout)
      resolve(ok)
    }
    const onDrain = (): void => finish(true)
    const onClose = (): void => finish(false)
    const onTimeout = (): void => {
      socket.destroy()
      finish(false)
    }
    socket.on('drain', onDrain)
    socket.on('close', onClose)
    socket.on('timeout', onTimeout)
  })
}

/**
 * Closes a connection gracefully: FIN after everything written, then read and
 * discard whatever the peer still sends until its FIN or `lingerMs` of
 * silence, then destroy. Closing with unread bytes would make the kernel send
 * RST, which can destroy the response before the client reads it (RFC 9112
 * §9.6, the TCP reset problem; KA-13).
 */
export function closeGracefully(socket: Socket, lingerMs: number): void {
  if (socket.destroyed) return
  socket.on('data', () => undefined)
  socket.once('end', () => {
    // The peer is done too: destroy once our last bytes are flushed, not before.
    if (socket.writableFinished) socket.destroy()
    else socket.once('finish', () => socket.destroy())
  })
  socket.setTimeout(lingerMs, () => socket.destroy())
  socket.end()
  socket.resume()
}
