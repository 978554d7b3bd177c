import { existsSync } from 'node:fs'
import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { renderBalancer } from './balancer-values.js'
import type { PeerDefinition, PeerLayout } from './types.js'
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
 * What apache/balancer.conf implements (catalog §12.5): mod_proxy_balancer
 * byrequests in one child process, mod_proxy_hcheck GET checks over HTTP/1.0
 * every second (its watchdog runs about once a second), hot standbys as
 * backups, a failed connect tried on another member, and the
 * stickysession=ROUTEID cookie set through mod_headers (route o1, o2, …;
 * the cookie is forwarded, so not indirect; no nofailover).
 */
export const apacheBalancerProfile: BalancerProfile = {
  policy: 'round-robin',
  workers: 1,
  granularity: 'request',
  retries: { idempotent: 0, redispatch: true },
  active: {
    method: 'GET',
    path: '/healthz',
    version: 'HTTP/1.0',
    interval_ms: 1000,
    timeout_ms: 1000,
    fall: 2,
    rise: 1,
    initial_state: 'up',
  },
  backup: { origins: 1, mode: 'all' },
  all_unhealthy: 'fail-closed',
  sticky: { cookie: 'ROUTEID', mode: 'insert', indirect: false, nofailover: false },
}

/** The MIME table mod_mime reads: Debian's /etc/mime.types, or the official image's own. */
function mimeTypes(binary: string, native: boolean): string {
  if (native) return existsSync('/etc/mime.types') ? '/etc/mime.types' : 'conf/mime.types'
  return binary.endsWith('httpd') ? '/usr/local/apache2/conf/mime.types' : '/etc/mime.types'
}

function apacheValues(binary: string, layout: PeerLayout): Record<string, string> {
  const user = binary.endsWith('httpd') ? 'daemon' : 'www-data'
  return {
    modules: moduleDir(binary, layout.provider === 'native'),
    run_as: layout.root ? `User ${user}\nGroup ${user}` : '',
  }
}

/**
 * Apache httpd with mod_proxy: a forward proxy (mod_proxy_http and
 * mod_proxy_connect) and a reverse proxy (mod_proxy_http, with
 * mod_proxy_wstunnel loaded for upgrades), and an HTTP→FTP gateway
 * (mod_proxy_ftp: absolute-form ftp:// with ProxyRequests On, or /files/
 * mapped onto {ftp_base}; catalog §13.4.2). -DFOREGROUND keeps the parent in
 * the foreground; as root its children run as the distribution's web user.
 */
export const apache: PeerDefinition = {
  name: 'apache',
  binaries: ['apache2', 'httpd'],
  roles: ['forward', 'reverse', 'balancer', 'ftp-gateway'],
  ftpModes: ['forward', 'reverse'],
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
    const ftp =
      role === 'ftp-gateway'
        ? {
            proxy_requests: ports.ftp?.mode === 'reverse' ? 'Off' : 'On',
            mime_types: mimeTypes(binary, layout.provider === 'native'),
          }
        : {}
    return {
      files: [
        {
          name: 'httpd.conf',
          content: fillTemplate(readTemplate(auth?.template ?? `apache/${role}.conf`), {
            ...values,
            ...ftp,
            common,
          }),
        },
        ...(auth?.files ?? []),
      ],
      argv: [binary, '-DFOREGROUND', '-f', conf],
      versionArgv: [binary, '-v'],
    }
  },
  balancer: {
    template: 'apache/balancer.conf',
    profile: apacheBalancerProfile,
    launch(input, port, layout, binary) {
      const values = { ...apacheValues(binary, layout), dir: layout.dir, port: String(port) }
      const common = fillTemplate(readTemplate('apache/common.conf'), values)
      const content = renderBalancer('apache/balancer.conf', input, port, layout.dir, {
        ...values,
        common,
      })
      return {
        files: [{ name: 'httpd.conf', content }],
        argv: [binary, '-DFOREGROUND', '-f', `${layout.dir}/httpd.conf`],
        versionArgv: [binary, '-v'],
      }
    },
  },
}
