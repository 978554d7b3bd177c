/**
 * The reference h2 front: a protocol adapter in front of the reference
 * HTTP/1.1 proxy. The proxy's cleartext listener hands it the sockets that
 * start with the client preface, the TLS terminator those that chose ALPN
 * h2; each becomes an H2Session whose streams are written as HTTP/1.1
 * requests on internal connections to the proxy's own listener.
 */
import type { Socket } from 'node:net'
import { ERROR_CODE } from '../../h2/constants.js'
import { ConnectionTracker } from '../../net/connection-tracker.js'
import { raceTimeout } from '../../net/deadline.js'
import { serveH1Bridge } from './h1-bridge.js'
import { H2Session } from './session.js'
import { h2StepsWith, type H2StepVariant } from './steps/index.js'
import type { FrontMode, InternalTarget } from './types.js'
import { H2UpstreamPool, type UpstreamAddress } from './upstream-pool.js'

export interface H2FrontOptions {
  /** forward: absolute-form requests; reverse: origin-form with Host from :authority. */
  readonly mode: FrontMode
  /** The HTTP/1.1 listener the streams go to (the reference proxy's own). */
  readonly internal: InternalTarget
  /** Steps replaced (steps/index.ts). @default the reference steps */
  readonly steps?: H2StepVariant | undefined
  /** An h2 connection with no open stream this long gets GOAWAY and is closed. @default 5000 */
  readonly idleTimeoutMs?: number
  /**
   * Reverse mode: request streams go to this h2 origin (cleartext, prior
   * knowledge) over the front's own client connections (upstream-pool.ts)
   * instead of the HTTP/1.1 proxy. @default none
   */
  readonly upstream?: UpstreamAddress | undefined
}

/** The first octets of the client preface (RFC 9113 §3.4) a cleartext listener sniffs. */
export const PREFACE_START = Buffer.from('PRI * HTTP/2.0\r\n', 'latin1')

export class H2Front {
  readonly #options: H2FrontOptions
  readonly #steps
  readonly #sessions = new Set<H2Session>()
  readonly #internal = new ConnectionTracker()
  readonly #upstream: H2UpstreamPool | undefined
  #stopping = false

  constructor(options: H2FrontOptions) {
    this.#options = options
    this.#steps = h2StepsWith(options.steps)
    this.#upstream =
      options.upstream === undefined || options.mode !== 'reverse'
        ? undefined
        : new H2UpstreamPool(options.upstream, this.#steps, this.#internal)
  }

  /** h2 sessions open now. */
  get sessions(): number {
    return this.#sessions.size
  }

  /**
   * Serves a connection of the HTTP/1.1 bridge (h1-bridge.ts): the proxy's
   * HTTP/1.1 path sends its requests here when the front has an h2 upstream.
   */
  serveH1Bridge(socket: Socket): void {
    if (this.#stopping || this.#upstream === undefined) {
      socket.destroy()
      return
    }
    this.#internal.add(socket)
    serveH1Bridge(socket, this.#upstream, this.#steps)
  }

  /** Serves an accepted socket as an h2 server connection (the preface comes first). */
  serve(socket: Socket): void {
    if (this.#stopping) {
      socket.destroy()
      return
    }
    const session = new H2Session(socket, {
      steps: this.#steps,
      mode: this.#options.mode,
      internal: this.#options.internal,
      tracker: this.#internal,
      idleTimeoutMs: this.#options.idleTimeoutMs ?? 5000,
      onClose: () => this.#sessions.delete(session),
      upstream: this.#upstream,
    })
    this.#sessions.add(session)
  }

  /**
   * Stops: GOAWAY(NO_ERROR) with the last processed stream on every
   * connection (RFC 9113 §6.8), the accepted streams finish within
   * `graceMs`, then whatever is left is closed. Never throws.
   */
  async stop(graceMs = 0): Promise<void> {
    this.#stopping = true
    const sessions = [...this.#sessions]
    // Bounded: a client that reads nothing must not hold the stop up.
    await raceTimeout(
      'GOAWAY to be written',
      Promise.all(sessions.map((s) => s.goaway(ERROR_CODE.NO_ERROR))),
      500,
    )
    if (graceMs > 0) {
      await raceTimeout('h2 streams to finish', Promise.all(sessions.map((s) => s.closed)), graceMs)
    }
    for (const session of sessions) session.destroy()
    this.#upstream?.close()
    this.#internal.destroyAll()
  }
}
