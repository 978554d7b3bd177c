import { dirname } from 'node:path'
import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { renderBalancer } from './balancer-values.js'
import type { PeerDefinition } from './types.js'
import { servesH2 } from './profiles.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

/**
 * What haproxy/balancer.cfg implements (catalog §12.5): balance roundrobin,
 * active HTTP/1.1 checks that carry Host (http-check send hdr host), usable
 * before the first check (a server starts at health = rise), retries 3 on
 * connection failures with option redispatch, the first usable backup only,
 * and a persistence cookie SRV inserted by HAProxy and removed before
 * forwarding (cookie SRV insert indirect nocache; option redispatch lets a
 * request whose server is down go to another one).
 */
export const haproxyBalancerProfile: BalancerProfile = {
  policy: 'round-robin',
  workers: 1,
  granularity: 'request',
  retries: { idempotent: 0, redispatch: true },
  active: {
    method: 'GET',
    path: '/healthz',
    host: 'localhost',
    version: 'HTTP/1.1',
    interval_ms: 500,
    timeout_ms: 400,
    fall: 3,
    rise: 2,
    initial_state: 'up',
  },
  backup: { origins: 1, mode: 'first' },
  all_unhealthy: 'fail-closed',
  // `on-marked-down shutdown-sessions` is not set: sessions on a server marked down go on
  // (configuration.txt, on-marked-down; LB-27).
  on_marked_down: 'finish-in-flight',
  sticky: { cookie: 'SRV', mode: 'insert', indirect: true, nofailover: false },
  // maxconn 2 per server; the backend's queue has no size limit in 2.6 (maxqueue bounds a
  // server's own queue only): declared large; timeout queue 1 s, then 503 (LB-23).
  max_conns_per_backend: 2,
  queue: { size: 1000, timeout_ms: 1000 },
  // slowstart 2 s: from a server's return after a DOWN state, never at process start (LB-24).
  // 2.6 computes the ramp in whole seconds (server_recalc_eweight: now.tv_sec − last_change),
  // so a 1 s slowstart can be over within 100 ms; 2 s keeps the first 400 ms window low.
  slow_start_s: 2,
}

/**
 * HAProxy in HTTP mode: a reverse proxy, a TLS terminator (bind ssl crt) and a
 * TLS originator (server ssl verify required); -db keeps it in the foreground.
 * HAProxy 2.6 takes a terminator's key only from the certificate's file or from
 * "<crt>.key" beside it, so the peer's directory gets links to the run's
 * files (never copies of the key).
 *
 * Its HTTP-mode cleartext bind already takes HTTP/2 by prior knowledge beside
 * HTTP/1.1 (it detects the preface); profile h2 declares that front and, as a
 * TLS terminator, offers ALPN h2,http/1.1 instead of http/1.1 alone.
 */
export const haproxy: PeerDefinition = {
  name: 'haproxy',
  binaries: ['haproxy'],
  roles: ['reverse', 'tls-terminator', 'tls-originator', 'balancer'],
  defaultImage: 'haproxy:2.6',
  profiles: [
    {
      name: 'h1',
      description: 'HAProxy serves HTTP/1.1 to clients (the default)',
      nextHop: true,
      implicit: true,
    },
    {
      name: 'h2',
      description:
        'HAProxy serves HTTP/2 too: h2c prior knowledge beside HTTP/1.1 on the reverse bind, ALPN h2,http/1.1 behind TLS',
      roles: ['reverse', 'tls-terminator'],
      nextHop: true,
      fronts: ['h1', 'h2'],
    },
  ],
  templates: (role) => [`haproxy/${role}.cfg`],
  h2Upstream: ['reverse'],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/haproxy.cfg`
    return {
      files: [
        {
          name: 'haproxy.cfg',
          content: fillTemplate(readTemplate(`haproxy/${role}.cfg`), {
            ...commonValues(ports, layout.dir),
            alpn: servesH2(ports) ? 'h2,http/1.1' : 'http/1.1',
            // configuration.txt 5.2 "proto": the server speaks h2 (cleartext, prior knowledge).
            server_proto: ports.upstream === 'h2' ? ' proto h2' : '',
          }),
        },
      ],
      argv: [binary, '-db', '-f', conf],
      versionArgv: [binary, '-v'],
      ...(ports.tls === undefined
        ? {}
        : {
            mounts: [...new Set([dirname(ports.tls.certPath), dirname(ports.tls.caPath)])],
            links: [
              { name: 'server.pem', target: ports.tls.certPath },
              { name: 'server.pem.key', target: ports.tls.keyPath },
            ],
          }),
    }
  },
  balancer: {
    template: 'haproxy/balancer.cfg',
    profile: haproxyBalancerProfile,
    launch(input, port, layout, binary) {
      const content = renderBalancer('haproxy/balancer.cfg', input, port, layout.dir)
      return {
        files: [{ name: 'haproxy.cfg', content }],
        argv: [binary, '-db', '-f', `${layout.dir}/haproxy.cfg`],
        versionArgv: [binary, '-v'],
      }
    },
  },
}
