import type { PeerDefinition } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

/** HAProxy in HTTP mode as a reverse proxy; -db keeps it in the foreground. */
export const haproxy: PeerDefinition = {
  name: 'haproxy',
  binaries: ['haproxy'],
  roles: ['reverse'],
  defaultImage: 'haproxy:2.6',
  templates: () => ['haproxy/reverse.cfg'],
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
    }
  },
}
