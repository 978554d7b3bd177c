import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { dirname } from 'node:path'
import { HarnessError } from '../net/errors.js'
import { renderBalancer } from './balancer-values.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'
import { servesH2 } from './profiles.js'
import type { PeerDefinition, PeerLayout } from './types.js'

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

/** `caddy run` with the Caddyfile in the peer's directory, its homes there too. */
function caddyRun(binary: string, layout: PeerLayout) {
  return {
    argv: [binary, 'run', '--config', `${layout.dir}/Caddyfile`, '--adapter', 'caddyfile'],
    versionArgv: [binary, 'version'],
    env: {
      HOME: layout.dir,
      XDG_DATA_HOME: `${layout.dir}/data`,
      XDG_CONFIG_HOME: `${layout.dir}/config`,
    },
  }
}

/**
 * Caddy: `caddy run` with a Caddyfile (admin API off, no automatic HTTPS),
 * its data and config homes (where it saves the config it runs) in the
 * peer's private directory: a load balancer, a reverse proxy and a TLS
 * terminator (reverse_proxy to the harness origin over HTTP/1.1). The default
 * profile h1 serves HTTP/1.1 alone to clients (`servers { protocols h1 }`,
 * so ALPN offers http/1.1 only behind TLS); profile h2 serves HTTP/1.1 and
 * h2c by prior knowledge on one cleartext port (`protocols h1 h2 h2c`) and
 * offers ALPN h2 and http/1.1 behind TLS (`protocols h1 h2`).
 */
export const caddy: PeerDefinition = {
  name: 'caddy',
  binaries: ['caddy'],
  roles: ['balancer', 'reverse', 'tls-terminator'],
  defaultImage: 'caddy:2.6',
  profiles: [
    {
      // Was profile "balancer" (the balancer role alone) before Caddy played every role in
      // HTTP/1.1; implicit, so its balancer column keeps the name peer:caddy.
      name: 'h1',
      description: 'Caddy serves HTTP/1.1 to clients (the default)',
      nextHop: true,
      implicit: true,
    },
    {
      name: 'h2',
      description:
        'Caddy serves HTTP/2 too: h2c prior knowledge beside HTTP/1.1 on the reverse port (protocols h1 h2 h2c), ALPN h2 and http/1.1 as a TLS terminator',
      roles: ['reverse', 'tls-terminator'],
      nextHop: true,
      fronts: ['h1', 'h2'],
    },
  ],
  templates: (role) => [`caddy/${role}.Caddyfile`],
  launch(role, ports, layout, binary) {
    if (role !== 'reverse' && role !== 'tls-terminator') {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `peer:caddy plays the balancer, reverse and tls-terminator roles, not ${role}`,
      )
    }
    const h2 = role === 'reverse' ? 'h1 h2 h2c' : 'h1 h2'
    const content = fillTemplate(readTemplate(`caddy/${role}.Caddyfile`), {
      ...commonValues(ports, layout.dir),
      protocols: servesH2(ports) ? h2 : 'h1',
    })
    return {
      files: [{ name: 'Caddyfile', content }],
      ...caddyRun(binary, layout),
      ...(ports.tls === undefined
        ? {}
        : { mounts: [...new Set([dirname(ports.tls.certPath), dirname(ports.tls.keyPath)])] }),
    }
  },
  balancer: {
    template: 'caddy/balancer.Caddyfile',
    profile: caddyBalancerProfile,
    launch(input, port, layout, binary) {
      const content = renderBalancer('caddy/balancer.Caddyfile', input, port, layout.dir)
      return { files: [{ name: 'Caddyfile', content }], ...caddyRun(binary, layout) }
    },
  },
}
