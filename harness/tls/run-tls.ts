/**
 * The run's HTTPS origin, shared by every case of a run: the upstream a
 * tls-originator is configured with ({origin_tls}), which cannot change
 * between cases. A case that needs a certificate profile or a version cap
 * leases the origin exclusively for its lifetime (a FIFO lock), so cases
 * that run concurrently never see each other's certificate. The lease is
 * held only by the tls-originator cases, each well under 100 ms against a
 * conformant target, so serialising them costs little; everything else in
 * the run stays concurrent.
 */
import { onceClose, type Started } from '../net/started.js'
import { startTlsOrigin } from './tls-origin.js'
import type { StartedTlsOrigin } from './types.js'

/** The name a tls-originator reaches the run's TLS origin by: its reference identity and SNI. */
export const TLS_ORIGIN_NAME = 'localhost'

export interface RunTls extends Started {
  readonly origin: StartedTlsOrigin
  /** The configured upstream name (TLS_ORIGIN_NAME). */
  readonly name: string
  /**
   * Resolves once the caller holds the origin alone, with the function that
   * releases it; undefined when `signal` aborted first (the case ran out of time).
   */
  lease(signal: AbortSignal): Promise<(() => void) | undefined>
}

/** Starts the shared TLS origin; its certificates are generated on first use only. */
export async function startRunTls(): Promise<RunTls> {
  const origin = await startTlsOrigin({ deferCorpus: true, connPrefix: 's' })
  let tail: Promise<void> = Promise.resolve()
  const close = onceClose(() => origin.close())
  return {
    origin,
    name: TLS_ORIGIN_NAME,
    async lease(signal) {
      let release!: () => void
      const mine = new Promise<void>((resolve) => {
        release = resolve
      })
      const before = tail
      tail = tail.then(() => mine)
      const aborted = new Promise<'aborted'>((resolve) => {
        if (signal.aborted) resolve('aborted')
        else signal.addEventListener('abort', () => resolve('aborted'), { once: true })
      })
      if ((await Promise.race([before, aborted])) === 'aborted') {
        // Our turn must not block the next in line: pass it on when it comes.
        release()
        return undefined
      }
      let released = false
      return () => {
        if (released) return
        released = true
        // Back to the defaults for whoever comes next without a lease. Dropping the
        // connections now, not only when the next case starts, gives a target
        // time to see its pooled connections close before it is asked again.
        origin.setProfile('valid')
        origin.setVersions({})
        origin.dropConnections()
        release()
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
