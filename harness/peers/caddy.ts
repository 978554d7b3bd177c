import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { HarnessError } from '../net/errors.js'
import { renderBalancer } from './balancer-values.js'
import type { PeerDefinition } from './types.js'

/**
 * What caddy/balancer.Caddyfile implements (catalog §12.5): lb_policy
 * round_robin, active checks on health_uri every 500 ms with no thresholds
 * (fall 1, rise 1), usable before the first check, lb_try_duration 1s (a
 * failed dial, or a GET whose backend failed, is tried on the next backend),
 * no backups (round_robin has none).
 */
export const caddyBalancerProfile: BalancerProfile = {
  policy: 'round-robin',
  workers: 1,
  granularity: 'request',
  // on_stale_keepalive: Go's http.Transport retries an idempotent request after a network
  // error on a connection it had already used (net/http Transport doc; LB-07).
  retries: { idempotent: 1, redispatch: true, on_stale_keepalive: true },
  active: {
    method: 'GET',
    path: '/healthz',
    version: 'HTTP/1.1',
    interval_ms: 500,
    timeout_ms: 400,
    fall: 1,
    rise: 1,
    initial_state: 'up',
  },
  all_unhealthy: 'fail-closed',
}

/**
 * Caddy, in the balancer role only: `caddy run` with a Caddyfile (admin API
 * off, no automatic HTTPS), its data and config homes (where it saves the
 * config it runs) in the peer's private directory.
 */
export const caddy: PeerDefinition = {
  name: 'caddy',
  binaries: ['caddy'],
  roles: ['balancer'],
  defaultImage: 'caddy:2.6',
  templates: () => ['caddy/balancer.Caddyfile'],
  launch(role) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `peer:caddy plays only the balancer role, not ${role}`,
    )
  },
  balancer: {
    template: 'caddy/balancer.Caddyfile',
    profile: caddyBalancerProfile,
    launch(input, port, layout, binary) {
      const content = renderBalancer('caddy/balancer.Caddyfile', input, port, layout.dir)
      return {
        files: [{ name: 'Caddyfile', content }],
        argv: [binary, 'run', '--config', `${layout.dir}/Caddyfile`, '--adapter', 'caddyfile'],
        versionArgv: [binary, 'version'],
        env: {
          HOME: layout.dir,
          XDG_DATA_HOME: `${layout.dir}/data`,
          XDG_CONFIG_HOME: `${layout.dir}/config`,
        },
      }
    },
  },
}
