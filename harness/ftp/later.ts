/**
 * Timers the origin owns (scripted delays, data timeouts), so close() can
 * cancel every one of them: nothing the origin started outlives it.
 */
export class Timers {
  readonly #live = new Set<NodeJS.Timeout>()

  /** Resolves after `ms` (at once for 0), or never if cleared first. */
  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#live.delete(timer)
        resolve()
      }, ms)
      this.#live.add(timer)
    })
  }

  /** Runs `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    const timer = setTimeout(() => {
      this.#live.delete(timer)
      fn()
    }, ms)
    this.#live.add(timer)
    return () => {
      clearTimeout(timer)
      this.#live.delete(timer)
    }
  }

  clearAll(): void {
    for (const timer of this.#live) clearTimeout(timer)
    this.#live.clear()
  }
}
