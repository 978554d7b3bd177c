import type { PeerDefinition } from './types.js'
import { commonValues, fillTemplate, readTemplate } from './template.js'

/**
 * nginx: a reverse proxy (nginx has no forward-proxy mode and no CONNECT).
 * As root the master would start workers as "nobody", who cannot write the
 * private 0700 directory's temp paths, so workers stay root there.
 */
export const nginx: PeerDefinition = {
  name: 'nginx',
  binaries: ['nginx'],
  roles: ['reverse'],
  defaultImage: 'nginx:1.27',
  templates: () => ['nginx/reverse.conf'],
  launch(role, ports, layout, binary) {
    const conf = `${layout.dir}/nginx.conf`
    const values = { ...commonValues(ports, layout.dir), run_as: layout.root ? 'user root;' : '' }
    return {
      files: [
        { name: 'nginx.conf', content: fillTemplate(readTemplate(`nginx/${role}.conf`), values) },
      ],
      argv: [binary, '-p', layout.dir, '-c', conf],
      versionArgv: [binary, '-v'],
    }
  },
}
