import type { Socket } from 'node:net'
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'
import type { Balancer, RandomSource } from '../balancer/index.js'
import type { LoopbackHost } from '../../net/loopback.js'
import type { Started } from '../../net/started.js'
import type { ProxyCredentials } from './proxy-auth.js'
import type { StepVariant } from './steps/index.js'
import type { GatewayHandler } from './client-session.js'
import type { H2StepVariant } from '../h2-front/index.js'

/** Options of startReferenceProxy. */
export interface ReferenceProxyOptions {
  /** forward: absolute-form and CONNECT; reverse: origin-form to one upstream. */
  readonly mode: 'forward' | 'reverse'
  /** The upstream of a reverse proxy. Must be a loopback address (or localhost, or a name in `hosts`). */
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
  /**
   * Names the proxy may connect to, each mapped to a loopback address (a hosts
   * file for test names such as o.test). "localhost" is always 127.0.0.1;
   * anything not loopback is refused with 403. @default {}
   */
  readonly hosts?: Readonly<Record<string, string>>
  /** Upstream (and CONNECT target) connect timeout: 504 after it. @default 5000 */
  readonly connectTimeoutMs?: number
  /** Upstream inactivity allowed while a request is in flight: 504 (or a cut) after it. @default 30000 */
  readonly upstreamTimeoutMs?: number
  /** How long an idle upstream connection stays in the pool. @default 4000 */
  readonly upstreamIdleTimeoutMs?: number
  /** Idle upstream connections kept per upstream. @default 8 */
  readonly maxIdlePerUpstream?: number
  /** A tunnel with no traffic in either direction this long is closed. @default 120000 */
  readonly tunnelIdleTimeoutMs?: number
  /**
   * A next-hop proxy (RFC 9110 §3.7, "upstream proxy"): every CONNECT is sent
   * on to it as `CONNECT host:port` instead of connecting to the target
   * directly. Must be a loopback address. @default none: tunnels go direct
   */
  readonly nextHop?: { readonly host: string; readonly port: number }
  /**
   * Basic proxy credentials every forward request and CONNECT must carry in
   * Proxy-Authorization (RFC 9110 §11.7.2): 407 with Proxy-Authenticate
   * otherwise; the field is consumed, never forwarded. @default none: no auth
   */
  readonly proxyAuth?: ProxyCredentials
  /**
   * Replaces named steps of the pipeline (steps/index.ts): an experiment, or
   * one of the kill matrix's realistic bugs (under test-fixtures/).
   * @default none: the reference steps
   */
  readonly steps?: StepVariant
  /**
   * Reverse mode only: balance over these upstreams (each a loopback address)
   * with the declared profile (catalog §12.2.3) instead of one `upstream`.
   * The balance steps (steps/balance.ts) choose each request's backend.
   * @default none: one upstream
   */
  readonly balancer?: ReferenceBalancerConfig
  /**
   * Forward mode only: answers absolute-form `ftp://` requests (the step
   * routeFtp sends them here) as an HTTP→FTP gateway; startReferenceFtpGateway
   * (harness/reference/ftp-gateway) supplies it. @default none: 501
   */
  readonly ftpGateway?: GatewayHandler
  /**
   * Replaces named steps of the h2 front (harness/reference/h2-front/steps):
   * the listener serves HTTP/2 by prior knowledge (and the TLS terminator
   * over ALPN h2) through it. @default none: the reference h2 steps
   */
  readonly h2Steps?: H2StepVariant | undefined
  /**
   * Reverse mode only: the h2 front sends its request streams to this h2
   * origin (cleartext, prior knowledge) instead of through the HTTP/1.1
   * proxy (harness/reference/h2-front/upstream-pool.ts). HTTP/1.1 clients
   * still go to `upstream`. @default none
   */
  readonly h2Upstream?: { readonly host: string; readonly port: number } | undefined
}

/** The upstreams and profile of a balancing reverse proxy. */
export interface ReferenceBalancerConfig {
  readonly primaries: readonly {
    readonly host: string
    readonly port: number
    readonly weight?: number
  }[]
  readonly backups?: readonly { readonly host: string; readonly port: number }[]
  readonly profile: BalancerProfile
  /** The random policies' source. @default seededRandom(1) */
  readonly random?: RandomSource
  /** The clock of passive checks, in ms. @default performance.now */
  readonly now?: () => number
}

/** A running reference proxy: where it listens; close() stops everything it started. */
export interface StartedProxy extends Started {
  readonly mode: 'forward' | 'reverse'
  readonly host: string
  readonly port: number
  readonly authority: string
  readonly url: string
  /** The balancer's backends and their state, when started with `balancer`. */
  readonly balancer?: Balancer
  /** Serves a connected socket as HTTP/2 (the TLS terminator's ALPN h2 connections). */
  serveH2(socket: Socket): void
  /**
   * A graceful stop: GOAWAY on every h2 connection (no new h2 connection is
   * served), the accepted streams finish within `graceMs`, then close().
   */
  stopGracefully(graceMs: number): Promise<void>
}
