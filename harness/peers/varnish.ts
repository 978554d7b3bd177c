import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { HarnessError } from '../net/errors.js'
import { renderBalancer } from './balancer-values.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'
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
 * varnishd in the foreground (-F) on 127.0.0.1:PORT with the VCL in the peer's
 * directory: -n gives it its own working directory there (where it compiles
 * the VCL, so it needs a C compiler: Debian's package depends on gcc), -j none
 * keeps it in one user (no jail: the directory is private), -T none opens no
 * management port.
 */
function varnishd(binary: string, dir: string, port: number, vcl: string) {
  return {
    argv: [
      binary,
      '-F',
      '-j',
      'none',
      '-n',
      `${dir}/varnish`,
      '-a',
      `127.0.0.1:${port}`,
      '-T',
      'none',
      '-f',
      `${dir}/${vcl}`,
      '-s',
      'malloc,16m',
    ],
    versionArgv: [binary, '-V'],
  }
}

/**
 * Varnish Cache (varnishd), a caching reverse proxy, configured here to cache
 * nothing. As a reverse proxy (varnish/reverse.vcl): one backend, the harness
 * origin, and every request passed (return (pass) after the builtin's Host
 * and PRI checks), nothing piped, so an Upgrade opens no tunnel and an
 * unknown method is passed rather than piped. As a load balancer
 * (varnish/balancer.vcl): every request passed to a director.
 */
export const varnish: PeerDefinition = {
  name: 'varnish',
  binaries: ['varnishd'],
  roles: ['balancer', 'reverse'],
  defaultImage: 'varnish:7.1',
  templates: (role) => [`varnish/${role === 'balancer' ? 'balancer' : 'reverse'}.vcl`],
  launch(role, ports, layout, binary) {
    if (role !== 'reverse') {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `peer:varnish plays the reverse and balancer roles, not ${role}`,
      )
    }
    const content = fillTemplate(
      readTemplate('varnish/reverse.vcl'),
      commonValues(ports, layout.dir),
    )
    return {
      files: [{ name: 'reverse.vcl', content }],
      ...varnishd(binary, layout.dir, ports.port, 'reverse.vcl'),
    }
  },
  balancer: {
    template: 'varnish/balancer.vcl',
    profile: varnishBalancerProfile,
    launch(input, port, layout, binary) {
      const content = renderBalancer('varnish/balancer.vcl', input, port, layout.dir)
      return {
        files: [{ name: 'balancer.vcl', content }],
        ...varnishd(binary, layout.dir, port, 'balancer.vcl'),
      }
    },
  },
}
