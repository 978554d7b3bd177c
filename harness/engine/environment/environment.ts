import type { LoopLag } from '../../net/loop-lag.js'
import type { Started } from '../../net/started.js'
import type { StartedOrigin } from '../../origin/types.js'
import type { BalancerProfile } from '../model/balancer-profile.js'
import type { TokenSource } from '../../net/token.js'
import type { Role } from '../model/roles.js'
import type { RunTls } from '../../tls/run-tls.js'
import type { TcpPool } from './tcp-pool.js'
import type { RunFtp } from './ftp.js'
import type { RunH2Origin } from './h2-origin.js'

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
  /**
   * The balancer profile the target was configured with (--lb-profile), when
   * declared: the profile in force for the load-balancing cases of a target
   * other than the reference, and what {weights}, {fall}… are rendered from.
   */
  readonly balancerProfile?: BalancerProfile
  /**
   * In a run with the ftp-gateway role: the run's FTP origin ({ftp_origin}),
   * the mode and timeout the target was declared with, and how a case gets
   * its own origin (startCaseFtp). Absent in every other run.
   */
  readonly ftp?: RunFtp
  /** How late the harness's own timers run (net/loop-lag.ts); absent in hand-made environments. */
  readonly lag?: LoopLag
  /**
   * In a run that selected a case with upstream 'h2': the run's raw h2 origin
   * (h2-origin.ts), the upstream of the targets' h2-upstream endpoints
   * (TargetEndpoint.h2Upstream). Absent in every other run.
   */
  readonly h2Origin?: RunH2Origin
}

/** Basic proxy credentials (RFC 7617): the user-id has no colon, the password may. */
export interface ProxyCredentials {
  readonly user: string
  readonly pass: string
}

/** The roles that receive origin-form requests and so take `--host`; a forward proxy gets absolute-form. */
export const HOST_ROLES: readonly Role[] = [
  'reverse',
  'tls-terminator',
  'tls-originator',
  'balancer',
]

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
  /**
   * Set when the run asked for the h2 front and the target, in this role, did
   * not speak it (target/preflight-h2.ts): why, in one line, for the
   * unsupported verdict of every h2 case.
   */
  readonly noH2?: string
  /**
   * Where the cases whose target talks HTTP/2 to its upstream (upstream 'h2')
   * go: a twin of the target whose upstream is the run's h2 origin
   * (RunEnvironment.h2Origin), e.g. the reference's h2 front with an h2
   * upstream. Absent: those cases are not applicable.
   */
  readonly h2Upstream?: { readonly host: string; readonly port: number }
  /**
   * In the balancer role: how a fresh instance of the target is started for
   * one load-balancing case, in front of that case's own backends. Absent:
   * the target cannot be started per case (a URL), and those cases are not
   * applicable.
   */
  readonly perCase?: PerCaseBalancer
}

/** A backend address a balancer instance is pointed at. */
export interface BackendAddress {
  readonly host: string
  readonly port: number
}

/**
 * What a balancer instance is started with: a case's own backends, or for
 * the run-wide instance that serves the HTTP suites in the balancer role, one
 * primary, the run's origin.
 */
export interface BalancerInstanceInput {
  /** In profile order ({origins}). */
  readonly primaries: readonly BackendAddress[]
  readonly backups: readonly BackendAddress[]
  /** The backends' health path, when the profile names none. */
  readonly healthPath: string
  /**
   * The profile in force. Undefined only for the run-wide instance of a run
   * that declares none (a spawned command then cannot name {fall}…).
   */
  readonly profile: BalancerProfile | undefined
  /** Milliseconds the start may take. */
  readonly withinMs: number
}

/** A target instance started for one load-balancing case. */
export interface BalancerInstance extends Started {
  readonly host: string
  readonly port: number
  /** What it wrote (bounded), for an error's last words and the evidence. */
  stderr(): string
  /** How its process ended by itself, when it has one (a spawned command). */
  readonly ended?: Promise<string>
}

/** How a target in the balancer role is started per load-balancing case. */
export interface PerCaseBalancer {
  /**
   * True: every case runs under its own profile (ConformanceCase.balancer.profile):
   * the reference and its step variants, which take any profile. False: under
   * the run's declared profile, the one the target was configured with.
   */
  readonly ownProfile: boolean
  /**
   * The profile the target's own config declares, in force when the run
   * declares none (a real peer: its template implements a documented profile).
   */
  readonly declaredProfile?: BalancerProfile
  start(input: BalancerInstanceInput): Promise<BalancerInstance>
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
