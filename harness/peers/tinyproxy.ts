import type { PeerDefinition } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

/**
 * tinyproxy: a forward proxy with CONNECT; -d keeps it in the foreground.
 * As root it must be told whom to run as (tinyproxy.conf(5), User and Group).
 */
export const tinyproxy: PeerDefinition = {
  name: 'tinyproxy',
  binaries: ['tinyproxy'],
  roles: ['forward'],
  defaultImage: 'vimagick/tinyproxy:latest',
  templates: () => ['tinyproxy/forward.conf'],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/tinyproxy.conf`
    const values = {
      ...commonValues(ports, layout.dir),
      run_as: layout.root ? 'User nobody\nGroup nogroup' : '',
      connect_port_lines: ports.connectPorts
        .filter((p) => p !== 443)
        .map((p) => `ConnectPort ${p}`)
        .join('\n'),
    }
    return {
      files: [
        {
          name: 'tinyproxy.conf',
          content: fillTemplate(readTemplate(`tinyproxy/${role}.conf`), values),
        },
      ],
      argv: [binary, '-d', '-c', conf],
      versionArgv: [binary, '-v'],
    }
  },
}
