import { existsSync } from 'node:fs'
import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { renderBalancer } from './balancer-values.js'
import type { PeerDefinition, PeerLayout } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'
import { authProfile } from './auth-profile.js'
import { servesH2 } from './profiles.js'

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
 *
 * Profile h2 (mod_http2): as a reverse proxy apache/h2-reverse.conf takes
 * HTTP/2 by prior knowledge beside HTTP/1.1 (H2Direct on); as a TLS
 * terminator (mod_ssl, a role of this profile only) it offers ALPN h2 and
 * http/1.1. The default keeps HTTP/1.1 alone: `Protocols h2c` would also
 * answer an HTTP/1.1 `Upgrade: h2c`, which the h1 cases send as any other
 * upgrade token.
 */
export const apache: PeerDefinition = {
  name: 'apache',
  binaries: ['apache2', 'httpd'],
  roles: ['forward', 'reverse', 'balancer', 'ftp-gateway', 'tls-terminator'],
  ftpModes: ['forward', 'reverse'],
  defaultImage: 'httpd:2.4',
  profiles: [
    {
      name: 'h1',
      description: 'Apache serves HTTP/1.1 to clients (the default)',
      roles: ['forward', 'reverse', 'balancer', 'ftp-gateway'],
      nextHop: true,
      implicit: true,
    },
    {
      name: 'h2',
      description:
        'Apache serves HTTP/2 too (mod_http2): h2c prior knowledge beside HTTP/1.1 on the reverse port (H2Direct on), ALPN h2 and http/1.1 as a TLS terminator',
      roles: ['reverse', 'tls-terminator'],
      nextHop: true,
      fronts: ['h1', 'h2'],
    },
  ],
  templates: (role, profile) => [
    `apache/${role === 'reverse' && profile?.fronts?.includes('h2') === true ? 'h2-reverse' : role}.conf`,
    'apache/common.conf',
  ],
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
    const h2 = servesH2(ports)
    const template = auth?.template ?? apache.templates(role, ports.profile)[0]!
    const protocols = h2
      ? `LoadModule http2_module ${values.modules}/mod_http2.so\nProtocols h2 http/1.1\nH2WebSockets on`
      : 'Protocols http/1.1'
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
          content: fillTemplate(readTemplate(template), {
            ...values,
            ...ftp,
            common,
            protocols,
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
