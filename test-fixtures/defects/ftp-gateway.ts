// Seeded defects the ftp-gateway suite must catch: the reference HTTP→FTP
// gateway (harness/reference/ftp-gateway) with one step of its FTP pipeline
// replaced, started as builtin:reference is in the ftp-gateway role.
import type { FtpGatewayVariant } from '../../harness/reference/ftp-gateway/index.js'
import { startFtpGatewayTarget } from '../../harness/engine/target/builtin.js'
import type { SeededDefect } from './types.js'

function ftpDefect(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
  steps: FtpGatewayVariant,
): SeededDefect {
  return {
    name,
    description,
    killedBy,
    roles: ['ftp-gateway'],
    start: (_role, env) => startFtpGatewayTarget(env, steps, `defect:${name}`),
  }
}

export const ftpGatewayDefects: readonly SeededDefect[] = [
  ftpDefect(
    'retrieves-binary-in-ascii-type',
    'Never sends TYPE I, so a binary file comes over in the server default ASCII type and its line ends are translated (FTP-11; RFC 959 §3.1.1.1 makes ASCII the default)',
    ['ftp-gateway/retrieves-a-binary-file-byte-exact'],
    () => ({ transferType: () => 'A' }),
  ),
]
