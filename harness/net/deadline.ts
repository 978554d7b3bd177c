/**
 * Every wait in proxyspec is an event raced against a deadline. A timeout is a
 * value, not an exception: a case decides what silence means.
 * This is the one file allowed to touch timers.
 */
export interface TimeoutValue {
  readonly kind: 'timeout'
  readonly waitingFor: string
  readonly afterMs: number
}

export function isTimeout(value: unknown): value is TimeoutValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'timeout' &&
    typeof (value as { afterMs?: unknown }).afterMs === 'number'
  )
}

export class Deadline {
  readonly signal: AbortSignal
  readonly #startedAt = performance.now()
  readonly #ms: number
  readonly #controller = new AbortController()
  readonly #timer: NodeJS.Timeout

  constructor(ms: number, parent?: AbortSignal) {
    this.#ms = ms
    this.#timer = setTimeout(() => {
      this.#controller.abort(new Error(`deadline of ${ms} ms passed`))
    }, ms)
    this.#timer.unref()
    this.signal =
      parent === undefined
        ? this.#controller.signal
        : AbortSignal.any([this.#controller.signal, parent])
  }

  get elapsedMs(): number {
    return performance.now() - this.#startedAt
  }

  remainingMs(): number {
    // Once the timer has fired nothing is left, even where Node's millisecond
    // timer fired a fraction of a millisecond before performance.now() got there.
    if (this.#controller.signal.aborted) return 0
    return Math.max(0, this.#ms - this.elapsedMs)
  }

  /** Stops the timer; call when the work under this deadline is over. */
  dispose(): void {
    clearTimeout(this.#timer)
  }

  /**
   * Resolves with `work`'s value, or with a TimeoutValue when `withinMs` (capped
   * at what is left of this deadline) passes first or the deadline aborts.
   * Rejections of `work` pass through.
   */
  race<T>(waitingFor: string, work: Promise<T>, withinMs?: number): Promise<T | TimeoutValue> {
    return raceTimeout(
      waitingFor,
      work,
      Math.min(withinMs ?? Infinity, this.remainingMs()),
      this.signal,
    )
  }
}

/** Races `work` against `ms` milliseconds and an optional abort signal. */
export function raceTimeout<T>(
  waitingFor: string,
  work: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | TimeoutValue> {
  const started = performance.now()
  return new Promise<T | TimeoutValue>((resolve, reject) => {
    let settled = false
    const finish = (): void => {
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    const onTimeout = (): void => {
      if (settled) return
      finish()
      resolve({ kind: 'timeout', waitingFor, afterMs: performance.now() - started })
    }
    const onAbort = onTimeout
    const timer = setTimeout(onTimeout, Math.max(0, Number.isFinite(ms) ? ms : 2 ** 31 - 1))
    if (signal?.aborted) {
      onTimeout()
      return
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    work.then(
      (value) => {
        if (settled) return
        finish()
        resolve(value)
      },
      (error: unknown) => {
        if (settled) return
        finish()
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

/**
 * Polls `check` until it returns true or `timeoutMs` passes. Only for EXTERNAL
 * readiness (a spawned process or container starting to listen), never in
 * verdict logic: there is no event to wait for from a process we did not write.
 */
export async function pollUntil(
  waitingFor: string,
  check: () => Promise<boolean>,
  options: {
    readonly timeoutMs: number
    readonly intervalMs?: number
    readonly signal?: AbortSignal
  },
): Promise<true | TimeoutValue> {
  const started = performance.now()
  const interval = options.intervalMs ?? 50
  for (;;) {
    if (await check()) return true
    const elapsed = performance.now() - started
    if (elapsed >= options.timeoutMs || options.signal?.aborted === true) {
      return { kind: 'timeout', waitingFor, afterMs: elapsed }
    }
    await new Promise<void>((resolve) => {
      setTimeout(resolve, Math.min(interval, options.timeoutMs - elapsed))
    })
  }
}
