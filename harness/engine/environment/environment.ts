import type { StartedOrigin } from '../../origin/types.js'
import type { TokenSource } from '../../net/token.js'
import type { Role } from '../model/roles.js'
import type { RunTls } from '../../tls/run-tls.js'
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
  /**
   * `--host NAME`: the Host the cases send to the gateway roles (reverse,
   * tls-terminator, tls-originator) instead of the upstream's own host:port.
   */
  readonly host?: string
  /** Proxy credentials the target requires (--proxy-auth), when declared. */
  readonly proxyAuth?: ProxyCredentials
}

/** Basic proxy credentials (RFC 7617): the user-id has no colon, the password may. */
export interface ProxyCredentials {
  readonly user: string
  readonly pass: string
}

/** The roles that receive origin-form requests and so take `--host`; a forward proxy gets absolute-form. */
export const HOST_ROLES: readonly Role[] = ['reverse', 'tls-terminator', 'tls-originator']

/**
 * The Host field value of a request meant for the origin, in a role: the
 * `--host` name for a gateway role when one is given; otherwise the upstream's
 * authority (the harness origin's host:port; for a tls-originator the TLS
 * origin, known to it by name). The origin routes on the case token in the
 * path, so it recognises the request whatever Host arrives.
 */
export function originHostFor(env: RunEnvironment, role: Role): string {
  if (env.host !== undefined && HOST_ROLES.includes(role)) return env.host
  return role === 'tls-originator' ? `${env.tls.name}:${env.tls.origin.port}` : env.origin.authority
}

/** Where the target under test listens, for one role. */
export interface TargetEndpoint {
  readonly label: string
  readonly role: Role
  readonly host: string
  readonly port: number
  /**
   * Where the proxy-authentication cases go and the credentials they use: the
   * target itself when the user declared them (--proxy-auth), or an
   * auth-requiring twin the harness started (builtin:reference). Absent: those
   * cases are not applicable.
   */
  readonly proxyAuth?: {
    readonly credentials: ProxyCredentials
    readonly host: string
    readonly port: number
  }
  /**
   * Set when the target's CONNECTs do not go on to the harness next hop (a
   * peer profile that connects itself): why, for the not-applicable verdict
   * of the cases that need it (ConformanceCase.needs 'next-hop').
   */
  readonly noNextHop?: string
}

/** Defaults chosen so a conformant target never waits and a hang costs little. */
export const DEFAULT_CASE_TIMEOUT_MS = 3000
/**
 * Cases at once in a run. Cases wait on sockets, not on the CPU, and each is
 * isolated by its token: 8 at once keeps a hanging target to a few deadlines.
 * The one default; the CLI, runExecute, runSuites and the vitest adapter use it.
 */
export const DEFAULT_CONCURRENCY = 8
/**
 * Cases at once against a real peer in `proxyspec matrix`: fewer, because a
 * peer's worker and connection limits (tinyproxy's MaxClients, squid's
 * helpers) are part of what is measured and must not be the bottleneck.
 */
export const DEFAULT_MATRIX_CONCURRENCY = 4
export const DEFAULT_QUIET_MS = 800
