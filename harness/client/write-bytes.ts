import type { Socket } from 'node:net'
import { isTimeout, raceTimeout } from '../net/deadline.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import { splitFragments } from './fragments.js'
import type { WriteOptions } from './types.js'

export interface WriteContext {
  readonly socket: Socket
  readonly transcript: TranscriptRecorder
  readonly conn: string
  readonly timeoutMs: number
  readonly signal: AbortSignal
}

/**
 * Writes the pieces one socket.write each, awaiting each write's callback so a
 * piece leaves before the next is handed over (with noDelay, one segment per
 * piece as far as Node allows). A peer that stops reading costs one deadline:
 * after it, the rest is queued without waiting. A dead socket is not an
 * exception here (the target's misbehaviour is a value): the transcript says
 * what was not sent, and the next read reports the close.
 */
export async function writeBytes(
  context: WriteContext,
  data: Buffer | string,
  options: WriteOptions = {},
): Promise<void> {
  const { socket, transcript, conn } = context
  // latin1: one char, one byte, as HTTP text is on the wire.
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
  const pieces = splitFragments(bytes, options.fragments)
  let waiting = true
  for (const [index, piece] of pieces.entries()) {
    if (socket.destroyed || !socket.writable) {
      const unsent = pieces.slice(index).reduce((n, p) => n + p.length, 0)
      transcript.record({
        hop: 'client',
        conn,
        type: 'error',
        detail: `${unsent} bytes not sent: the connection is closed for writing`,
      })
      return
    }
    transcript.data('client', conn, 'to-target', piece)
    if (!waiting) {
      socket.write(piece)
      continue
    }
    const flushed = new Promise<void>((resolve) => {
      // An error also arrives as the socket's 'error' event, which records it.
      socket.write(piece, () => resolve())
    })
    const outcome = await raceTimeout(
      'a write to be flushed',
      flushed,
      context.timeoutMs,
      context.signal,
    )
    waiting = !isTimeout(outcome)
  }
}
