import { dirname } from 'node:path'
import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { renderBalancer } from './balancer-values.js'
import type { PeerDefinition, PeerTls } from './types.js'
import { servesH2 } from './profiles.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

function tlsDirs(tls: PeerTls): string[] {
  return [...new Set([tls.certPath, tls.keyPath, tls.caPath].map((p) => dirname(p)))]
}

/**
 * What nginx/balancer.conf implements (catalog §12.5): round robin on one
 * worker, passive checks only (the open-source build has no active checks),
 * proxy_next_upstream error timeout with 3 tries, every backup in turn,
 * also when the primaries are at max_conns, and max_conns=2 with no queue.
 */
export const nginxBalancerProfile: BalancerProfile = {
  policy: 'round-robin',
  workers: 1,
  granularity: 'request',
  // on_stale_keepalive: proxy_next_upstream `error` covers an error "passing a request to
  // it, or reading the response header" (ngx_http_upstream_module doc), a stale keep-alive
  // connection included (LB-07).
  retries: { idempotent: 2, redispatch: true, on_stale_keepalive: true },
  passive: { max_fails: 1, fail_timeout_s: 10, window: 'quiet-period', probe_requests: 1 },
  backup: { origins: 1, mode: 'all', saturation_counts_as_down: true },
  all_unhealthy: 'fail-closed',
  // max_conns=2 per server; no queue in the open-source build (queue is NGINX Plus): excess
  // gets 502 "no live upstreams" at once (LB-23).
  max_conns_per_backend: 2,
}

/**
 * nginx: a reverse proxy, a TLS terminator (listen ssl) and a TLS originator
 * (proxy_ssl_verify on); it has no forward-proxy mode and no CONNECT.
 * As root the master would start workers as "nobody", who cannot write the
 * private 0700 directory's temp paths, so workers stay root there.
 *
 * Profile h2 adds `http2` to the listen line: behind TLS nginx then offers
 * ALPN h2 and http/1.1; on the reverse role's cleartext port nginx 1.22
 * speaks HTTP/2 by prior knowledge ONLY (an HTTP/1.1 request gets an h2
 * SETTINGS frame back; only 1.25.1 sniffs the preface), so the profile
 * declares the h2 front alone and the default keeps HTTP/1.1.
 */
export const nginx: PeerDefinition = {
  name: 'nginx',
  binaries: ['nginx'],
  roles: ['reverse', 'tls-terminator', 'tls-originator', 'balancer'],
  defaultImage: 'nginx:1.27',
  profiles: [
    {
      name: 'h1',
      description: 'nginx serves HTTP/1.1 to clients (the default)',
      nextHop: true,
      implicit: true,
    },
    {
      name: 'h2',
      description:
        'nginx serves HTTP/2 (listen … http2): h2c prior knowledge only on the reverse port, ALPN h2 and http/1.1 behind TLS',
      roles: ['reverse', 'tls-terminator'],
      nextHop: true,
      fronts: ['h2'],
    },
  ],
  templates: (role) => [`nginx/${role}.conf`],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/nginx.conf`
    const values = {
      ...commonValues(ports, layout.dir),
      run_as: layout.root ? 'user root;' : '',
      listen_options: servesH2(ports) ? ' http2' : '',
    }
    return {
      files: [
        { name: 'nginx.conf', content: fillTemplate(readTemplate(`nginx/${role}.conf`), values) },
      ],
      argv: [binary, '-p', layout.dir, '-c', conf],
      versionArgv: [binary, '-v'],
      ...(ports.tls === undefined ? {} : { mounts: tlsDirs(ports.tls) }),
    }
  },
  balancer: {
    template: 'nginx/balancer.conf',
    profile: nginxBalancerProfile,
    launch(input, port, layout, binary) {
      const run_as = layout.root ? 'user root;' : ''
      const content = renderBalancer('nginx/balancer.conf', input, port, layout.dir, { run_as })
      return {
        files: [{ name: 'nginx.conf', content }],
        argv: [binary, '-p', layout.dir, '-c', `${layout.dir}/nginx.conf`],
        versionArgv: [binary, '-v'],
      }
    },
  },
}
