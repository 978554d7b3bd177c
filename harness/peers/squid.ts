import type { PeerDefinition } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'
import { authProfile } from './auth-profile.js'

/**
 * squid: a forward proxy with CONNECT, and a reverse proxy in accelerator
 * mode. -N keeps it in the foreground without SMP kids, so stopping the one
 * process stops it. squid drops to its built-in cache_effective_user (proxy on
 * Debian) after reading the config as root.
 *
 * As an ftp-gateway (squid/ftp-gateway.conf): absolute-form GET ftp://…,
 * which squid gateways by default (catalog §13.4.1).
 *
 * Two profiles: `direct` (the default) opens every CONNECT tunnel itself, so
 * its own refusals and gateway errors are what the connect cases grade;
 * `chained` sends its CONNECTs on to the harness next hop (cache_peer parent,
 * squid/next-hop.conf), for the cases that grade the target as the CONNECT
 * client of a next-hop proxy.
 */
export const squid: PeerDefinition = {
  name: 'squid',
  binaries: ['squid'],
  roles: ['forward', 'reverse', 'ftp-gateway'],
  // No HTTP path can be mapped onto an FTP URL in squid: ftp:// in absolute-form only.
  ftpModes: ['forward'],
  defaultImage: 'ubuntu/squid:5.2-22.04_beta',
  profiles: [
    {
      name: 'direct',
      description: 'squid opens its CONNECT tunnels itself (no cache_peer)',
      nextHop: false,
    },
    {
      name: 'chained',
      description: 'squid sends its CONNECTs on to the harness next hop (cache_peer parent)',
      roles: ['forward'],
      nextHop: true,
    },
  ],
  templates: (role, profile) =>
    role === 'forward'
      ? profile?.nextHop === true
        ? ['squid/forward.conf', 'squid/next-hop.conf', 'squid/common.conf']
        : ['squid/forward.conf', 'squid/common.conf']
      : [`squid/${role}.conf`, 'squid/common.conf'],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/squid.conf`
    const values = commonValues(ports, layout.dir)
    const common = fillTemplate(readTemplate('squid/common.conf'), { ...values, run_as: '' })
    const nextHop =
      ports.nextHop === undefined
        ? '# (profile direct: no next hop, squid opens its CONNECT tunnels itself)'
        : fillTemplate(readTemplate('squid/next-hop.conf'), values)
    const auth = authProfile('squid', role, ports, layout)
    return {
      files: [
        {
          name: 'squid.conf',
          content: fillTemplate(readTemplate(auth?.template ?? `squid/${role}.conf`), {
            ...values,
            ...auth?.values,
            common,
            next_hop: nextHop,
          }),
        },
        ...(auth?.files ?? []),
      ],
      argv: [binary, '-N', '-f', conf],
      versionArgv: [binary, '-v'],
    }
  },
}
