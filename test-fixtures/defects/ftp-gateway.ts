// Seeded defects the ftp-gateway suite must catch: the reference HTTP→FTP
// gateway (harness/reference/ftp-gateway) with one step of its FTP pipeline
// replaced, started as builtin:reference is in the ftp-gateway role.
import type {
  FtpGatewayVariant,
  PassiveCommand,
} from '../../harness/reference/ftp-gateway/index.js'
import { startFtpGatewayTarget } from '../../harness/engine/target/builtin.js'
import { hostFieldAddress } from './parts/ftp-host-field.js'
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
  ftpDefect(
    'follows-the-pasv-host',
    "Opens the data connection to whatever host a 227 reply names instead of the control peer, so a PASV naming a third host (127.0.0.3, X) sends the gateway there and X's bytes to the client (FTP-04; RFC 2577 §3 bounce, the curl CVE-2020-8284 class)",
    ['ftp-gateway/data-connection-goes-only-to-the-control-peer'],
    (reference) => ({
      dataAddress: (offer, controlPeer) => {
        const checked = reference.dataAddress(offer, controlPeer)
        return typeof checked === 'string'
          ? checked
          : { ...checked, host: offer.host ?? controlPeer }
      },
    }),
  ),
  ftpDefect(
    'no-epsv-to-pasv-fallback',
    'Gives up (502) when EPSV is refused or its 229 is unusable, instead of trying PASV, although the server would have served PASV (FTP-22; RFC 2428 §3)',
    ['ftp-gateway/falls-back-to-pasv-when-epsv-fails'],
    () => ({ passiveOrder: (previous) => (previous === undefined ? 'EPSV' : undefined) }),
  ),
  ftpDefect(
    'pasv-after-epsv-all',
    'Announces EPSV ALL and still falls back to PASV when EPSV then fails (FTP-22; RFC 2428 §4: after EPSV ALL only EPSV sets up data connections)',
    ['ftp-gateway/sends-only-epsv-after-epsv-all'],
    (reference) => ({
      // "EPSV ALL" is no PassiveCommand of the reference (it never sends one): the verb line is
      // written as given; its 200 is no usable offer, so the next attempt is a plain EPSV.
      passiveOrder: (previous) =>
        previous === undefined
          ? ('EPSV ALL' as PassiveCommand)
          : (previous.command as string) === 'EPSV ALL'
            ? 'EPSV'
            : reference.passiveOrder(previous),
    }),
  ),
  ftpDefect(
    'no-data-timeout',
    "Never times out a silent data connection: a data channel that is opened but stays silent, or stalls mid-transfer, holds the client and the origin's sockets until someone else gives up (FTP-21)",
    ['ftp-gateway/gives-up-on-a-silent-data-channel'],
    (reference) => ({
      // socket.setTimeout(0) turns the idle timeout off.
      timeout: (wait, ms) => (wait === 'data' ? 0 : reference.timeout(wait, ms)),
    }),
  ),
  ftpDefect(
    'connects-to-the-host-field',
    'Connects to the host and port of the Host header field instead of the authority of the absolute-form ftp:// URI (FTP-28; RFC 9112 §3.2.2: the request-target wins over Host)',
    ['ftp-gateway/connects-to-the-uri-authority'],
    (reference) => ({
      controlAddress: (url, hostField) =>
        hostFieldAddress(hostField) ?? reference.controlAddress(url, hostField),
    }),
  ),
]
