/**
 * What the origin wrote back for one request: every byte it wrote on the
 * request's connection from the moment that request's responder ran until
 * the next request's did (a raw responder may write late), the first
 * SENT_LIMIT bytes. Cases compare it with what their client read, to say
 * whether the target relayed the origin's answer or made its own.
 */
import type { OriginSent } from './types.js'

/** Enough for any head and a body marker; a streamed upgrade stops counting here. */
export const SENT_LIMIT = 64 * 1024

export class SentBytes implements OriginSent {
  readonly #chunks: Buffer[] = []
  #length = 0

  append(chunk: Buffer): void {
    const room = SENT_LIMIT - this.#length
    if (room <= 0 || chunk.length === 0) return
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk
    this.#chunks.push(Buffer.from(kept))
    this.#length += kept.length
  }

  get bytes(): Buffer {
    return Buffer.concat(this.#chunks)
  }
}
