import type { TcpConnectionRecord } from './types.js'

/**
 * The mutable side of a TcpConnectionRecord. Cases hold the record itself, so
 * what they read (received, peerEnded, closed) is always the current state,
 * not a snapshot taken when their wait resolved.
 */
export class LiveConnectionRecord implements TcpConnectionRecord {
  readonly id: string
  peerEnded = false
  closed = false
  error?: string
  readonly #chunks: Buffer[] = []
  #joined: Buffer | undefined = Buffer.alloc(0)
  #length = 0

  constructor(id: string) {
    this.id = id
  }

  get received(): Buffer {
    // Joined lazily: a 1 MiB tunnel payload arrives in many chunks and is read rarely.
    this.#joined ??= Buffer.concat(this.#chunks, this.#length)
    return this.#joined
  }

  /** Bytes received so far, without joining them. */
  get receivedLength(): number {
    return this.#length
  }

  /** Drops the bytes kept so far (a pooled server's closed connection, once its case is over). */
  forget(): void {
    this.#chunks.length = 0
    this.#joined = Buffer.alloc(0)
  }

  append(data: Buffer): void {
    this.#chunks.push(data)
    this.#length += data.length
    this.#joined = undefined
  }
}
