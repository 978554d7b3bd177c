import { dirname } from 'node:path'
import type { PeerDefinition, PeerTls } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

function tlsDirs(tls: PeerTls): string[] {
  return [...new Set([tls.certPath, tls.keyPath, tls.caPath].map((p) => dirname(p)))]
}

/**
 * nginx: a reverse proxy, a TLS terminator (listen ssl) and a TLS originator
 * (proxy_ssl_verify on); it has no forward-proxy mode and no CONNECT.
 * As root the master would start workers as "nobody", who cannot write the
 * private 0700 directory's temp paths, so workers stay root there.
 */
export const nginx: PeerDefinition = {
  name: 'nginx',
  binaries: ['nginx'],
  roles: ['reverse', 'tls-terminator', 'tls-originator'],
  defaultImage: 'nginx:1.27',
  templates: (role) => [`nginx/${role}.conf`],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/nginx.conf`
    const values = { ...commonValues(ports, layout.dir), run_as: layout.root ? 'user root;' : '' }
    return {
      files: [
        { name: 'nginx.conf', content: fillTemplate(readTemplate(`nginx/${role}.conf`), values) },
      ],
      argv: [binary, '-p', layout.dir, '-c', conf],
      versionArgv: [binary, '-v'],
      ...(ports.tls === undefined ? {} : { mounts: tlsDirs(ports.tls) }),
    }
  },
}
