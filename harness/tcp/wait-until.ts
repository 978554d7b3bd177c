import { raceTimeout, type TimeoutValue } from '../net/deadline.js'

/**
 * A change signal: waits re-check their condition whenever something happened.
 * Shared by harness/tcp, harness/client and relay self-tests (a candidate for harness/net).
 */
export class ChangeSignal {
  readonly #listeners = new Set<() => void>()
  #closed = false

  notify(): void {
    for (const listener of [...this.#listeners]) listener()
  }

  /**
   * Ends every wait, now and later, as a timeout: what it watches has stopped
   * (a server closed), so nothing can change any more. Without it a wait a
   * finished case left behind holds the process open until its own timer runs out.
   */
  close(): void {
    this.#closed = true
    this.notify()
  }

  /**
   * Resolves with the first non-undefined value of `check`, tried now and after
   * every notify(), or with a TimeoutValue after `timeoutMs` or when `signal` aborts.
   */
  async until<T>(
    waitingFor: string,
    check: () => T | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<T | TimeoutValue> {
    const now = check()
    if (now !== undefined) return now
    const started = performance.now()
    if (this.#closed) return { kind: 'timeout', waitingFor, afterMs: 0 }
    let listener: (() => void) | undefined
    const found = new Promise<T | TimeoutValue>((resolve) => {
      listener = () => {
        const value = check()
        if (value !== undefined) resolve(value)
        else if (this.#closed)
          resolve({ kind: 'timeout', waitingFor, afterMs: performance.now() - started })
      }
      this.#listeners.add(listener)
    })
    try {
      return await raceTimeout(waitingFor, found, timeoutMs, signal)
    } finally {
      // A timed-out wait must not keep a listener (and its closure) alive.
      if (listener !== undefined) this.#listeners.delete(listener)
    }
  }
}
