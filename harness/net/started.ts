/**
 * The start/stop contract every harness component follows: startX(options)
 * resolves once X is ready, and close() is idempotent, never throws, destroys
 * live sockets and resolves when everything X started has stopped.
 */
export interface Started extends AsyncDisposable {
  close(): Promise<void>
}

/** Memoises a shutdown function so close() can be called any number of times. */
export function onceClose(shutdown: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => (closing ??= shutdown().catch(() => undefined))
}

/**
 * Owns started things and closes them in reverse order. Node 20 has no
 * AsyncDisposableStack, so this is ours.
 */
export class Scope implements AsyncDisposable {
  readonly #items: (() => Promise<void>)[] = []
  #closed = false

  use<T extends { close(): Promise<void> }>(item: T): T {
    if (this.#closed) {
      void item.close()
      throw new Error('[proxyspec] scope already closed')
    }
    this.#items.push(() => item.close())
    return item
  }

  defer(fn: () => Promise<void> | void): void {
    this.#items.push(async () => {
      await fn()
    })
  }

  get closed(): boolean {
    return this.#closed
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    while (this.#items.length > 0) {
      const item = this.#items.pop()
      try {
        await item?.()
      } catch {
        // Disposers never throw (STYLE §5.5); a failed close is not a verdict.
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
