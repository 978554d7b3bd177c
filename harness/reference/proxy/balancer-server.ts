/**
 * The reference balancer: the reference proxy in reverse mode with N
 * upstreams and a declared balancer profile (catalog §12), its balancing
 * done by the balance steps (steps/balance.ts, harness/reference/balancer).
 */
import { startReferenceProxy } from './proxy-server.js'
import type { ReferenceBalancerConfig, ReferenceProxyOptions, StartedProxy } from './types.js'

/** Options of startReferenceBalancer: the upstreams and profile, plus any reverse-proxy option. */
export type ReferenceBalancerOptions = ReferenceBalancerConfig &
  Omit<ReferenceProxyOptions, 'mode' | 'upstream' | 'balancer'>

/** Starts the reference balancer on a loopback port; close() also stops its active checks. */
export function startReferenceBalancer(options: ReferenceBalancerOptions): Promise<StartedProxy> {
  const { primaries, backups, profile, random, now, ...proxy } = options
  // The profile's timeouts (catalog §12.2.3) unless the caller set the proxy's own.
  const { connect_ms, response_ms } = profile.timeouts ?? {}
  return startReferenceProxy({
    ...(connect_ms === undefined ? {} : { connectTimeoutMs: connect_ms }),
    ...(response_ms === undefined ? {} : { upstreamTimeoutMs: response_ms }),
    ...proxy,
    mode: 'reverse',
    balancer: {
      primaries,
      profile,
      ...(backups === undefined ? {} : { backups }),
      ...(random === undefined ? {} : { random }),
      ...(now === undefined ? {} : { now }),
    },
  })
}
