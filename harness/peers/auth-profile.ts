import { existsSync } from 'node:fs'
import type { Role } from '../engine/model/roles.js'
import { htpasswdLine } from './htpasswd.js'
import type { PeerFile, PeerLayout, PeerPorts } from './types.js'

/** Where squid's basic_ncsa_auth helper lives: Debian and Ubuntu (and their images), Fedora, others. */
const SQUID_HELPER_DIRS = ['/usr/lib/squid', '/usr/lib64/squid', '/usr/libexec/squid']

/**
 * A forward proxy's auth profile (--proxy-auth): the template requiring Basic
 * proxy credentials, the values it needs, and the htpasswd file (APR1 hashes
 * only: the password is never written). Undefined without credentials or
 * outside the forward role.
 */
export function authProfile(
  peer: 'squid' | 'apache',
  role: Role,
  ports: PeerPorts,
  layout: PeerLayout,
):
  | {
      readonly template: string
      readonly values: Readonly<Record<string, string>>
      readonly files: readonly PeerFile[]
    }
  | undefined {
  const credentials = ports.proxyAuth
  if (credentials === undefined || role !== 'forward') return undefined
  const helperDir =
    layout.provider === 'native'
      ? (SQUID_HELPER_DIRS.find((dir) => existsSync(`${dir}/basic_ncsa_auth`)) ??
        SQUID_HELPER_DIRS[0])
      : SQUID_HELPER_DIRS[0]
  return {
    template: `${peer}/forward-auth.conf`,
    values: peer === 'squid' ? { ncsa_auth: `${helperDir ?? ''}/basic_ncsa_auth` } : {},
    files: [
      {
        name: 'htpasswd',
        content: htpasswdLine(credentials.user, credentials.pass),
        forWorkers: true,
      },
    ],
  }
}
