import type { StartedOrigin } from '../origin/types.js'
import type { TokenSource } from '../net/token.js'
import type { Role } from '../model/roles.js'
import type { RunTls } from '../tls/run-tls.js'
import type { TcpPool } from './tcp-pool.js'

/** What every case of a run shares: the origin, the CONNECT targets, the clock rules. */
export interface RunEnvironment {
  readonly origin: StartedOrigin
  readonly tcp: TcpPool
  /** The HTTPS origin a tls-originator points at ({origin_tls}), leased by one case at a time. */
  readonly tls: RunTls
  readonly tokens: TokenSource
  /** Per-case deadline unless a case sets its own. */
  readonly timeoutMs: number
  /** How long silence must last before a case may call it silence. */
  readonly quietMs: number
  /** Aborts the whole run (Ctrl-C, a test timeout). */
  readonly signal?: AbortSignal
}

/** Where the target under test listens, for one role. */
export interface TargetEndpoint {
  readonly label: string
  readonly role: Role
  readonly host: string
  readonly port: number
  /**
   * Set when the target's CONNECTs do not go on to the harness next hop (a
   * peer profile that connects itself): why, for the not-applicable verdict
   * of the cases that need it (ConformanceCase.needs 'next-hop').
   */
  readonly noNextHop?: string
}

/** Defaults chosen so a conformant target never waits and a hang costs little. */
export const DEFAULT_CASE_TIMEOUT_MS = 3000
export const DEFAULT_QUIET_MS = 800
