import { LOCAL_PEER_IMAGE } from './local-image.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'
import type { PeerDefinition } from './types.js'

/**
 * lighttpd with mod_proxy, as a reverse proxy in front of the harness origin
 * (test-fixtures/peers/lighttpd/reverse.conf): `lighttpd -D -f CONF` keeps it
 * in the foreground, one process. Started as root it drops to www-data after
 * binding (server.username; lighttpd refuses uid 0 there), so its upload dir,
 * where it buffers large bodies, is a 1777 subdirectory of the private one;
 * started unprivileged it stays the user it is.
 */
export const lighttpd: PeerDefinition = {
  name: 'lighttpd',
  binaries: ['lighttpd'],
  roles: ['reverse'],
  // No official lighttpd image: the one .ci/setup-peers.sh builds holds it.
  defaultImage: LOCAL_PEER_IMAGE,
  templates: () => ['lighttpd/reverse.conf'],
  launch(_role, ports, layout, binary) {
    const conf = `${layout.dir}/lighttpd.conf`
    const content = fillTemplate(readTemplate('lighttpd/reverse.conf'), {
      ...commonValues(ports, layout.dir),
      run_as: layout.root ? 'server.username = "www-data"\nserver.groupname = "www-data"' : '',
    })
    return {
      files: [{ name: 'lighttpd.conf', content }],
      dirs: ['uploads'],
      argv: [binary, '-D', '-f', conf],
      versionArgv: [binary, '-v'],
    }
  },
}
