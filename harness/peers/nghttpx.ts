import { dirname } from 'node:path'
import { LOCAL_PEER_IMAGE } from './local-image.js'
import type { PeerDefinition } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

/**
 * nghttpx, nghttp2's proxy: HTTP/1.1 and HTTP/2 to clients on every role
 * (h2c by prior knowledge on a no-tls frontend, ALPN h2 and http/1.1 behind
 * TLS), HTTP/1.1 to the harness origin. A reverse proxy, a TLS terminator,
 * and in HTTP/2 proxy mode (http2-proxy) a forward proxy that is the front
 * of another proxy: it sends every request, CONNECT included, to its one
 * backend in proxy form. That backend is the harness origin, so absolute-form
 * requests reach it and no tunnel opens, nor goes to the harness next hop
 * (nghttpx has no per-method backend). Its config file names every option
 * (--conf, so /etc/nghttpx/nghttpx.conf is not read); the main process and
 * its worker process stop together (the process group).
 */
export const nghttpx: PeerDefinition = {
  name: 'nghttpx',
  binaries: ['nghttpx'],
  roles: ['reverse', 'tls-terminator', 'forward'],
  // No official nghttpx image: the one .ci/setup-peers.sh builds holds it.
  defaultImage: LOCAL_PEER_IMAGE,
  profiles: [
    {
      name: 'h2',
      description:
        'nghttpx as a reverse proxy and TLS terminator serving HTTP/1.1 and HTTP/2 (h2c prior knowledge, ALPN h2 behind TLS)',
      roles: ['reverse', 'tls-terminator'],
      nextHop: false,
      fronts: ['h1', 'h2'],
      implicit: true,
    },
    // Not in the default matrix (profileOnlyCases leaves it no case: its fronts and next hop are
    // the default's), checked in issue 16 by running it alone (matrix --targets
    // peer:nghttpx:forward: 104 pass, 54 not). In http2-proxy mode nghttpx is the front of
    // another proxy and sends every request, CONNECT included, to its one backend in proxy form.
    // That backend is the harness origin (the harness next hop tunnels CONNECT only), so about
    // thirty of those cells grade the origin, not nghttpx: every CONNECT is answered 200 by the
    // origin with no tunnel behind it (the connect cases then fail nghttpx for "opening" tunnels
    // to closed ports, and every h2 CONNECT case is unsupported), and the absolute-form target
    // nghttpx must send toward a proxy (RFC 9112 §3.2.2) fails the origin-form rows.
    {
      name: 'forward',
      description:
        'nghttpx in http2-proxy mode: a forward proxy that sends every request, CONNECT included, to the harness origin (no tunnel opens, nothing goes to the next hop)',
      roles: ['forward'],
      nextHop: false,
      fronts: ['h1', 'h2'],
    },
  ],
  templates: (role) => [`nghttpx/${role}.conf`],
  h2Upstream: ['reverse', 'tls-terminator'],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/nghttpx.conf`
    return {
      files: [
        {
          name: 'nghttpx.conf',
          content: fillTemplate(readTemplate(`nghttpx/${role}.conf`), {
            ...commonValues(ports, layout.dir),
            // nghttpx(1) --backend: ";;proto=h2" (no pattern, then the param) for an h2 origin.
            backend_params: ports.upstream === 'h2' ? ';;proto=h2' : '',
          }),
        },
      ],
      argv: [binary, `--conf=${conf}`],
      versionArgv: [binary, '--version'],
      ...(ports.tls === undefined
        ? {}
        : { mounts: [...new Set([dirname(ports.tls.certPath), dirname(ports.tls.keyPath)])] }),
    }
  },
}
