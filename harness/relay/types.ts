import type { Started } from '../net/started.js'

export interface BlindRelayOptions {
  /**
   * forward: connect where the absolute-form target of the first request says
   * (`http://host:port/…`, port 80 by default); reverse: always to `upstream`.
   */
  readonly mode: 'forward' | 'reverse'
  /** The fixed upstream of reverse mode (required there, ignored in forward mode). Loopback only. */
  readonly upstream?: { readonly host: string; readonly port: number }
}

export interface StartedBlindRelay extends Started {
  readonly mode: 'forward' | 'reverse'
  readonly host: string
  readonly port: number
  /** "127.0.0.1:port" */
  readonly authority: string
  /** "http://127.0.0.1:port" */
  readonly url: string
}
