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
  #data: Buffer = Buffer.alloc(0)
  #peer: 'open' | CloseKind = 'open'
  readonly #changes = new ChangeSignal()
  /** Called with true when the buffer is full (stop reading), false when there is room again. */
  #onPressure: ((full: boolean) => void) | undefined
  #full = false

  /**
   * Buffered bytes above which the socket is paused: an endless body or a
   * flood from a hostile target then costs a bounded amount of memory, and
   * the read waiting on it ends at its deadline like any other silence.
   */
  static readonly HIGH_WATER = 4 * 1024 * 1024

  set onPressure(listener: ((full: boolean) => void) | undefined) {
    this.#onPressure = listener
  }

  get length(): number {
    return this.#data.length
  }

  get peerState(): 'open' | CloseKind {
    return this.#peer
  }

  push(data: Buffer): void {
    this.#data = this.#data.length === 0 ? data : Buffer.concat([this.#data, data])
    if (!this.#full && this.#data.length >= ReceiveBuffer.HIGH_WATER) {
      this.#full = true
      this.#onPressure?.(true)
    }
    this.#changes.notify()
  }

  /** The peer sent FIN ('eof') or the connection broke ('reset'); the first word stands. */
  peerClosed(kind: CloseKind): void {
    if (this.#peer !== 'open') return
    this.#peer = kind
    this.#changes.notify()
  }

  /** Everything buffered, not consumed. */
  peek(): Buffer {
    return this.#data
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Buffer {
    const taken = this.#data.subarray(0, n)
    this.#data = this.#data.subarray(n)
    if (this.#full && this.#data.length < ReceiveBuffer.HIGH_WATER) {
      this.#full = false
      this.#onPressure?.(false)
    }
    return taken
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
