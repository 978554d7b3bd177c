import type { TimeoutValue } from '../net/deadline.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import type { CloseKind } from './types.js'

/**
 * The one receive buffer of a raw client. Parsed reads (readResponse) and raw
 * reads (readBytes, readUntilClose) take from the same bytes, so tunnel data
 * that arrived in the segment of a CONNECT 200 or a 101 is still here for the
 * raw read that follows. Bytes always land before the close that follows them.
 */
export class ReceiveBuffer {
  /** Chunks as received; joined only when a read needs one buffer (no copy per push). */
  #chunks: Buffer[] = []
  #length = 0
  #peer: 'open' | CloseKind = 'open'
  readonly #changes = new ChangeSignal()
  /** Called with true when the buffer is full (stop reading), false when there is room again. */
  #onPressure: ((full: boolean) => void) | undefined
  #full = false
  #discarded = false

  /**
   * Buffered bytes above which the socket is paused: an endless body or a
   * flood from a hostile target then costs a bounded amount of memory, and
   * the read waiting on it ends at its deadline like any other silence.
   */
  static readonly HIGH_WATER = 1024 * 1024
  /** A pending raw read of more than HIGH_WATER raises the mark, or it could never complete. */
  #wanted = 0

  set onPressure(listener: ((full: boolean) => void) | undefined) {
    this.#onPressure = listener
  }

  get length(): number {
    return this.#length
  }

  /** The chunks joined into one (once; later pushes add chunks again). */
  #joined(): Buffer {
    if (this.#chunks.length > 1) this.#chunks = [Buffer.concat(this.#chunks, this.#length)]
    return this.#chunks[0] ?? Buffer.alloc(0)
  }

  get peerState(): 'open' | CloseKind {
    return this.#peer
  }

  push(data: Buffer): void {
    if (data.length === 0 || this.#discarded) return
    this.#chunks.push(data)
    this.#length += data.length
    if (!this.#full && this.#length >= this.#highWater()) {
      this.#full = true
      this.#onPressure?.(true)
    }
    this.#changes.notify()
  }

  #highWater(): number {
    return Math.max(ReceiveBuffer.HIGH_WATER, this.#wanted)
  }

  #relieve(): void {
    if (this.#full && this.#length < this.#highWater()) {
      this.#full = false
      this.#onPressure?.(false)
    }
  }

  /** A read is waiting for up to `n` bytes in all (0: none is). */
  want(n: number): void {
    this.#wanted = n
    this.#relieve()
  }

  /** The peer sent FIN ('eof') or the connection broke ('reset'); the first word stands. */
  peerClosed(kind: CloseKind): void {
    if (this.#peer !== 'open') return
    this.#peer = kind
    this.#changes.notify()
  }

  /** Everything buffered, not consumed. */
  peek(): Buffer {
    return this.#joined()
  }

  /** The bytes from `offset` to the end, joining only the chunks that hold them. */
  since(offset: number): Buffer {
    let start = this.#length
    let index = this.#chunks.length
    while (index > 0 && start > offset) {
      index -= 1
      start -= this.#chunks[index]?.length ?? 0
    }
    const tail = this.#chunks.slice(index)
    const joined = tail.length === 1 ? (tail[0] ?? Buffer.alloc(0)) : Buffer.concat(tail)
    return joined.subarray(offset - start)
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Buffer {
    const data = this.#joined()
    const taken = data.subarray(0, n)
    const rest = data.subarray(n)
    this.#chunks = rest.length === 0 ? [] : [rest]
    this.#length = rest.length
    this.#relieve()
    return taken
  }

  /**
   * Drops every buffered byte, for good: the client tore the connection down
   * and nothing will read them. A client kept until its case ends (the case's
   * scope holds it) then no longer keeps up to the read cap of a flood.
   */
  discard(): void {
    this.#chunks = []
    this.#length = 0
    this.#discarded = true
  }

  /** Resolves with the first non-undefined `check()`, tried now and after every change; a TimeoutValue otherwise. */
  until<T>(
    waitingFor: string,
    check: () => T | undefined,
    ms: number,
    signal: AbortSignal,
  ): Promise<T | TimeoutValue> {
    return this.#changes.until(waitingFor, check, ms, signal)
  }
}
