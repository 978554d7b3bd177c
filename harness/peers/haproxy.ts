import { dirname } from 'node:path'
import type { PeerDefinition } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

/**
 * HAProxy in HTTP mode: a reverse proxy, a TLS terminator (bind ssl crt) and a
 * TLS originator (server ssl verify required); -db keeps it in the foreground.
 * HAProxy 2.6 takes a terminator's key only from the certificate's file or from
 * "<crt>.key" beside it, so the peer's directory gets links to the run's
 * files (never copies of the key).
 */
export const haproxy: PeerDefinition = {
  name: 'haproxy',
  binaries: ['haproxy'],
  roles: ['reverse', 'tls-terminator', 'tls-originator'],
  defaultImage: 'haproxy:2.6',
  templates: (role) => [`haproxy/${role}.cfg`],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/haproxy.cfg`
    return {
      files: [
        {
          name: 'haproxy.cfg',
          content: fillTemplate(
            readTemplate(`haproxy/${role}.cfg`),
            commonValues(ports, layout.dir),
          ),
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
}
