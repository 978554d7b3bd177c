import { existsSync } from 'node:fs'
import type { PeerDefinition } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'
import { authProfile } from './auth-profile.js'

/** Where the module .so files are: Debian's apache2, the official httpd image, Fedora's httpd. */
const MODULE_DIRS = [
  '/usr/lib/apache2/modules',
  '/usr/local/apache2/modules',
  '/usr/lib64/httpd/modules',
]

function moduleDir(binary: string, native: boolean): string {
  if (native) return MODULE_DIRS.find((dir) => existsSync(dir)) ?? MODULE_DIRS[0]!
  return binary.endsWith('httpd') ? '/usr/local/apache2/modules' : '/usr/lib/apache2/modules'
}

/**
 * Apache httpd with mod_proxy: a forward proxy (mod_proxy_http and
 * mod_proxy_connect) and a reverse proxy (mod_proxy_http, with
 * mod_proxy_wstunnel loaded for upgrades). -DFOREGROUND keeps the parent in
 * the foreground; as root its children run as the distribution's web user.
 */
export const apache: PeerDefinition = {
  name: 'apache',
  binaries: ['apache2', 'httpd'],
  roles: ['forward', 'reverse'],
  defaultImage: 'httpd:2.4',
  templates: (role) => [`apache/${role}.conf`, 'apache/common.conf'],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/httpd.conf`
    const user = binary.endsWith('httpd') ? 'daemon' : 'www-data'
    const values = {
      ...commonValues(ports, layout.dir),
      modules: moduleDir(binary, layout.provider === 'native'),
      run_as: layout.root ? `User ${user}\nGroup ${user}` : '',
    }
    const common = fillTemplate(readTemplate('apache/common.conf'), values)
    const auth = authProfile('apache', role, ports, layout)
    return {
      files: [
        {
          name: 'httpd.conf',
          content: fillTemplate(readTemplate(auth?.template ?? `apache/${role}.conf`), {
            ...values,
            common,
          }),
        },
        ...(auth?.files ?? []),
      ],
      argv: [binary, '-DFOREGROUND', '-f', conf],
      versionArgv: [binary, '-v'],
    }
  },
}
