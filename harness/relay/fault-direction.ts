/**
 * One direction of a fault-relayed connection: bytes from `from` to `to`, in
 * order, with the latency, fragmentation and fault of its FaultMode. While a
 * chunk is being passed on, `from` is paused (backpressure, and order).
 */
import type { Socket } from 'node:net'
import { raceTimeout } from '../net/deadline.js'
import type { FaultAction, FaultMode } from './fault-types.js'

/** Resolves after `ms`, through the deadline module's timer: the relay's latency is a stimulus, not a wait for state. */
async function latency(ms: number): Promise<void> {
  await raceTimeout('relay latency', new Promise<never>(() => undefined), ms)
}

/**
 * Resolves once `data` has been handed to the kernel (or the socket failed),
 * and the event loop has turned once: a write that completes at once calls
 * back in the same turn, and the next fragment would join it in one segment.
 * setImmediate is a yield, not a wait for time.
 */
function writeOut(to: Socket, data: Buffer): Promise<void> {
  return new Promise<void>((resolve) => {
    if (to.destroyed || !to.writable) {
      resolve()
      return
    }
    to.write(data, () => setImmediate(resolve))
  })
}

export class FaultDirection {
  readonly #from: Socket
  readonly #to: Socket
  readonly #mode: FaultMode
  readonly #onFault: (action: FaultAction) => void
  readonly #queue: Buffer[] = []
  #passed = 0
  #pumping = false
  #ended = false
  /** Set once the fault fired: nothing more passes this way. */
  #stopped = false

  constructor(from: Socket, to: Socket, mode: FaultMode, onFault: (action: FaultAction) => void) {
    this.#from = from
    this.#to = to
    this.#mode = mode
    this.#onFault = onFault
  }

  /** Called once both sockets exist: a fault at 0 bytes fires now. */
  start(): void {
    if (this.#mode.fault !== undefined && (this.#mode.fault.afterBytes ?? 0) === 0) this.#fire()
  }

  push(chunk: Buffer): void {
    if (this.#stopped) return
    this.#queue.push(chunk)
    if (!this.#pumping) void this.#pump()
  }

  /** `from` sent FIN: pass it on once the queue is out (half-close propagates). */
  end(): void {
    this.#ended = true
    if (!this.#pumping) this.#finish()
  }

  #finish(): void {
    if (this.#stopped || this.#to.destroyed) return
    this.#to.end()
  }

  #fire(): void {
    if (this.#stopped) return
    this.#stopped = true
    this.#queue.length = 0
    const action = this.#mode.fault?.action ?? 'black-hole'
    if (action === 'half-close' && !this.#to.destroyed) this.#to.end()
    this.#onFault(action)
  }

  async #pump(): Promise<void> {
    this.#pumping = true
    this.#from.pause()
    for (let chunk = this.#queue.shift(); chunk !== undefined; chunk = this.#queue.shift()) {
      if (this.#stopped) break
      const fault = this.#mode.fault
      let piece = chunk
      let fireAfter = false
      if (fault !== undefined) {
        const left = (fault.afterBytes ?? 0) - this.#passed
        if (left <= piece.length) {
          piece = piece.subarray(0, Math.max(0, left))
          fireAfter = true
        }
      }
      if (this.#mode.latencyMs !== undefined && this.#mode.latencyMs > 0)
        await latency(this.#mode.latencyMs)
      await this.#write(piece)
      if (fireAfter) this.#fire()
    }
    this.#pumping = false
    if (this.#stopped) return
    if (this.#ended) this.#finish()
    else if (!this.#from.destroyed) this.#from.resume()
  }

  async #write(data: Buffer): Promise<void> {
    const size = this.#mode.fragmentBytes
    const limit = this.#mode.fragmentFirstBytes ?? Infinity
    let offset = 0
    while (offset < data.length) {
      const fragmenting = size !== undefined && size > 0 && this.#passed < limit
      const n = fragmenting
        ? Math.min(size, data.length - offset, limit - this.#passed)
        : data.length - offset
      const piece = data.subarray(offset, offset + n)
      offset += n
      this.#passed += n
      // Each fragment waits for the previous one to leave: it cannot share its segment.
      if (fragmenting) await writeOut(this.#to, piece)
      else if (!this.#to.destroyed && this.#to.writable) this.#to.write(piece)
    }
  }
}
