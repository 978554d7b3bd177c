import type { LoopbackHost } from '../net/loopback.js'
import type { Started } from '../net/started.js'

export interface ReferenceProxyOptions {
  /** forward: absolute-form and CONNECT; reverse: origin-form to one upstream. */
  readonly mode: 'forward' | 'reverse'
  /** The upstream of a reverse proxy. */
  readonly upstream?: { readonly host: string; readonly port: number }
  /** CONNECT allow-list (RFC 9110 §9.3.6). @default [443] */
  readonly connectPorts?: readonly number[]
  /** received-by in the Via member it appends. @default 'proxyspec' */
  readonly viaName?: string
  /** @default '127.0.0.1' */
  readonly host?: LoopbackHost
  /** @default 0: the OS picks */
  readonly port?: number
  /** Idle client connections are closed (FIN) after this long. @default 5000 */
  readonly idleTimeoutMs?: number
}

export interface StartedProxy extends Started {
  readonly mode: 'forward' | 'reverse'
  readonly host: string
  readonly port: number
  readonly authority: string
  readonly url: string
}
