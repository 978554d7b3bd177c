import { HarnessError } from '../net/errors.js'
import { LOCAL_PEER_IMAGE } from './local-image.js'
import type { PeerDefinition, PeerFile } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

/**
 * Config files ATS reads at start that this peer leaves empty (said so, so
 * ATS does not warn that each is missing): no cache disk (storage.config), no
 * plugin, no parent proxy, no TLS (no certificate, no SNI policy).
 */
const EMPTY_FILES: readonly PeerFile[] = [
  'storage.config',
  'volume.config',
  'cache.config',
  'hosting.config',
  'parent.config',
  'plugin.config',
  'ssl_multicert.config',
  'sni.yaml',
].map((name) => ({
  name,
  content: `# ${name}: empty on purpose (harness/peers/trafficserver.ts)\n`,
}))

/**
 * Apache Traffic Server (traffic_server 9), a forward proxy with CONNECT and
 * a reverse proxy. traffic_server runs alone (no traffic_manager: no
 * management socket, no second process), in the foreground, from a runroot
 * (trafficserver/runroot.yaml) that makes the peer's private directory its
 * config, runtime, log and cache directory. Its records
 * (trafficserver/records.config) bind 127.0.0.1:{port} only, keep the user
 * that started it, cache nothing and write no logs; the role adds its own:
 *
 * - forward (trafficserver/forward.*): remap_required 0, so absolute-form
 *   requests reach the origin they name with no remap rule; CONNECT to 443
 *   and the run's {connect_ports} (proxy.config.http.connect_ports). ATS opens
 *   its tunnels itself: the one profile has no next hop (the chained CONNECT
 *   cases are not applicable).
 * - reverse (trafficserver/reverse.*): remap.config `map / http://{origin}/`,
 *   every path onto the harness origin, Host rewritten to it.
 *
 * Everything else is ATS's compiled-in default (Via, Client-ip and
 * X-Forwarded-For added to requests; its timeouts), which is what the matrix grades.
 */
export const trafficserver: PeerDefinition = {
  name: 'trafficserver',
  binaries: ['traffic_server'],
  roles: ['forward', 'reverse'],
  // No official Traffic Server image: the one .ci/setup-peers.sh builds holds it.
  defaultImage: LOCAL_PEER_IMAGE,
  profiles: [
    {
      name: 'direct',
      // No chained profile: parent.config with forward_connect_method would send CONNECTs
      // to a parent, but Traffic Server 9.2 sends no request for a loopback destination to a
      // parent ("request is from localhost, so bypass parent", HttpTransact), and every
      // harness target is on loopback.
      description:
        'Traffic Server opens its CONNECT tunnels itself (no parent proxy: it bypasses parents for loopback destinations, which every harness target is)',
      nextHop: false,
      implicit: true,
    },
  ],
  templates: (role) => [
    'trafficserver/runroot.yaml',
    'trafficserver/records.config',
    `trafficserver/${role}.records.config`,
    `trafficserver/${role}.remap.config`,
    'trafficserver/ip_allow.yaml',
  ],
  launch(role, ports, layout, binary) {
    if (role !== 'forward' && role !== 'reverse') {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `peer:trafficserver plays the forward and reverse roles, not ${role}`,
      )
    }
    const values = commonValues(ports, layout.dir)
    const fill = (template: string): string => fillTemplate(readTemplate(template), values)
    return {
      files: [
        { name: 'runroot.yaml', content: fill('trafficserver/runroot.yaml') },
        {
          name: 'records.config',
          content: fillTemplate(readTemplate('trafficserver/records.config'), {
            ...values,
            role_records: fill(`trafficserver/${role}.records.config`),
          }),
        },
        { name: 'remap.config', content: fill(`trafficserver/${role}.remap.config`) },
        { name: 'ip_allow.yaml', content: fill('trafficserver/ip_allow.yaml') },
        ...EMPTY_FILES,
      ],
      argv: [binary, `--run-root=${layout.dir}/runroot.yaml`],
      versionArgv: [binary, '--version'],
    }
  },
}
