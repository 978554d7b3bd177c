import type { Scope } from '../../net/started.js'
import { watchLoopLag } from '../../net/loop-lag.js'
import { TokenSource } from '../../net/token.js'
import { startOrigin } from '../../origin/index.js'
import type { BalancerProfile } from '../model/balancer-profile.js'
import {
  DEFAULT_CASE_TIMEOUT_MS,
  DEFAULT_QUIET_MS,
  type ProxyCredentials,
  type RunEnvironment,
} from './environment.js'
import { TcpPool } from './tcp-pool.js'
import { startRunTls } from '../../tls/run-tls.js'
import { startRunFtp, type RunFtpOptions } from './ftp.js'
import { startRunH2Origin } from './h2-origin.js'

export interface EnvironmentOptions {
  readonly originPort?: number
  /** CONNECT targets of each kind (echo, sink, banner): one per concurrent case. @default 4 */
  readonly tcpPerKind?: number
  readonly timeoutMs?: number
  readonly quietMs?: number
  readonly signal?: AbortSignal
  readonly runId?: string
  /** `--host NAME` for the gateway roles (RunEnvironment.host). */
  readonly host?: string
  /** Proxy credentials the target requires (--proxy-auth). */
  readonly proxyAuth?: ProxyCredentials
  /** The balancer profile the target was configured with (--lb-profile). */
  readonly balancerProfile?: BalancerProfile
  /** Set when a role of the run is ftp-gateway: the run's FTP origin is started with these. */
  readonly ftp?: RunFtpOptions
  /** Start the run's raw h2 origin (a case with upstream 'h2' was selected). */
  readonly h2Origin?: boolean
}

/**
 * What every case of a run shares, started on `scope` (which closes it): the
 * origin, the CONNECT target pool, the TLS origin, the token source and the
 * clock rules; in an ftp-gateway run, the FTP origin too.
 */
export async function startRunEnvironment(
  scope: Scope,
  options: EnvironmentOptions = {},
): Promise<RunEnvironment> {
  const origin = scope.use(
    await startOrigin(options.originPort === undefined ? {} : { port: options.originPort }),
  )
  const tcp = scope.use(await TcpPool.start(options.tcpPerKind ?? 4))
  // Listens at once (its port goes into {origin_tls}); certificates come on first use.
  const tls = scope.use(await startRunTls())
  const ftp = options.ftp === undefined ? undefined : await startRunFtp(scope, options.ftp)
  const h2Origin = options.h2Origin === true ? scope.use(await startRunH2Origin()) : undefined
  const lag = watchLoopLag()
  scope.defer(() => lag.close())
  return {
    origin,
    tcp,
    tls,
    tokens: new TokenSource(options.runId),
    lag,
    timeoutMs: options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS,
    quietMs: options.quietMs ?? DEFAULT_QUIET_MS,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.proxyAuth === undefined ? {} : { proxyAuth: options.proxyAuth }),
    ...(options.balancerProfile === undefined ? {} : { balancerProfile: options.balancerProfile }),
    ...(ftp === undefined ? {} : { ftp }),
    ...(h2Origin === undefined ? {} : { h2Origin }),
  }
}
