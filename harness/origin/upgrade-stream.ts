/**
 * The byte stream of a switched origin connection: a Duplex over the socket
 * that the new protocol (ws, an echo) reads and writes, while the origin keeps
 * recording every byte both ways (the transcript goes on after the 101).
 */
import type { Socket } from 'node:net'
import { Duplex } from 'node:stream'

/** What the origin connection does for the stream: record, and note who closed. */
export interface StreamHooks {
  /** Bytes from the target (already on the socket). */
  received(chunk: Buffer): void
  /** Writes toward the target, recorded. */
  write(chunk: Buffer): void
  /** The target sent FIN. */
  peerEnded(): void
  /** The endpoint ended its side: FIN after what was written. */
  end(): void
}

/**
 * Wraps `socket`, whose unparsed bytes `rest` come first. The socket must have
 * no other 'data' or 'end' listener: this stream is its only reader now.
 */
export function switchedStream(socket: Socket, rest: Buffer, hooks: StreamHooks): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume()
    },
    write(chunk: Buffer, _encoding, callback) {
      hooks.write(chunk)
      callback()
    },
    final(callback) {
      hooks.end()
      callback()
    },
    destroy(error, callback) {
      if (!socket.destroyed) socket.destroy()
      callback(error)
    },
  })
  // Already recorded when they arrived (as the request's trailing bytes): not recorded twice.
  if (rest.length > 0) stream.push(rest)
  socket.on('data', (chunk: Buffer) => {
    hooks.received(chunk)
    if (!stream.push(chunk)) socket.pause()
  })
  let ended = false
  socket.on('end', () => {
    ended = true
    hooks.peerEnded()
    stream.push(null)
  })
  // The socket is gone: the reader still gets what was buffered, then EOF, then 'close'.
  socket.on('close', () => {
    if (stream.destroyed) return
    if (!ended) {
      ended = true
      stream.push(null)
    }
    if (stream.readableEnded) stream.destroy()
    else stream.once('end', () => stream.destroy())
  })
  socket.resume()
  return stream
}
