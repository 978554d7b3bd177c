import type { StartedPeer } from './types.js'

/**
 * What the report shows about a started peer (the target's stderr section):
 * how it was started, its version, its exact config files and its own output.
 */
export function describePeer(peer: StartedPeer): string {
  const lines = [
    `peer ${peer.name} (${peer.role}) on 127.0.0.1:${peer.port}: ${peer.version}`,
    `started ${peer.provider === 'native' ? 'natively' : 'in a container'} from ${peer.where}: ${peer.argv.join(' ')}`,
  ]
  for (const file of peer.files) {
    lines.push(`--- ${file.name} ---`, file.content.trimEnd())
  }
  const output = peer.output().trimEnd()
  lines.push(`--- ${peer.name} output ---`, output === '' ? '(nothing)' : output, '')
  return lines.join('\n')
}
