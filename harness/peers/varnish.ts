import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { HarnessError } from '../net/errors.js'
import { renderBalancer } from './balancer-values.js'
import type { PeerDefinition } from './types.js'

/**
 * What varnish/balancer.vcl implements (catalog §12.5): a round_robin
 * director with a probe on every backend (window 4, threshold 2: fall 3,
 * rise 2), not usable before the first good probe, every request passed
 * (nothing cached), the backups behind a fallback director, no retries.
 */
export const varnishBalancerProfile: BalancerProfile = {
  policy: 'round-robin',
  workers: 1,
  granularity: 'request',
  retries: { idempotent: 0, redispatch: false },
  active: {
    method: 'GET',
    path: '/healthz',
    host: 'localhost',
    version: 'HTTP/1.1',
    interval_ms: 500,
    timeout_ms: 400,
    fall: 3,
    rise: 2,
    initial_state: 'down',
  },
  backup: { origins: 1, mode: 'first' },
  all_unhealthy: 'fail-closed',
  // .max_connections = 2 per backend; no queue: a fetch beyond it fails, 503 (LB-23).
  max_conns_per_backend: 2,
}

/**
 * Varnish Cache (varnishd), in the balancer role only: a caching reverse
 * proxy whose VCL here passes every request to a director. -F keeps it in the
 * foreground, -n gives it the peer's own working directory (where it compiles
 * the VCL, so it needs a C compiler: Debian's package depends on gcc),
 * -j none keeps it in one user (no jail: the directory is private), and
 * -T none opens no management port.
 */
export const varnish: PeerDefinition = {
  name: 'varnish',
  binaries: ['varnishd'],
  roles: ['balancer'],
  defaultImage: 'varnish:7.1',
  templates: () => ['varnish/balancer.vcl'],
  launch(role) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `peer:varnish plays only the balancer role, not ${role}`,
    )
  },
  balancer: {
    template: 'varnish/balancer.vcl',
    profile: varnishBalancerProfile,
    launch(input, port, layout, binary) {
      const content = renderBalancer('varnish/balancer.vcl', input, port, layout.dir)
      return {
        files: [{ name: 'balancer.vcl', content }],
        argv: [
          binary,
          '-F',
          '-j',
          'none',
          '-n',
          `${layout.dir}/varnish`,
          '-a',
          `127.0.0.1:${port}`,
          '-T',
          'none',
          '-f',
          `${layout.dir}/balancer.vcl`,
          '-s',
          'malloc,16m',
        ],
        versionArgv: [binary, '-V'],
      }
    },
  },
}
