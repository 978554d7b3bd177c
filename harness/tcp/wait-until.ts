import { raceTimeout, type TimeoutValue } from '../net/deadline.js'

/**
 * A change signal: waits re-check their condition whenever something happened.
 * Shared by harness/tcp, harness/client and relay self-tests (a candidate for harness/net).
 */
export class ChangeSignal {
  readonly #listeners = new Set<() => void>()

  notify(): void {
    for (const listener of [...this.#listeners]) listener()
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
    let listener: (() => void) | undefined
    const found = new Promise<T>((resolve) => {
      listener = () => {
        const value = check()
        if (value !== undefined) resolve(value)
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
