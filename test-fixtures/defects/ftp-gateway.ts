// Seeded defects the ftp-gateway suite must catch: the reference HTTP→FTP
// gateway (harness/reference/ftp-gateway) with one step of its FTP pipeline
// replaced, started as builtin:reference is in the ftp-gateway role.
import type { FtpGatewayVariant } from '../../harness/reference/ftp-gateway/index.js'
import { startFtpGatewayTarget } from '../../harness/engine/target/builtin.js'
import type { SeededDefect } from './types.js'

/** The octets up to the first NUL, as a C string would hold them. */
function cutAtNul(octets: Buffer): Buffer {
  const nul = octets.indexOf(0x00)
  return nul === -1 ? octets : octets.subarray(0, nul)
}

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
    'passes-cr-lf-into-ftp-commands',
    'Writes decoded URL parts and credentials into FTP commands without looking for CR or LF, so %0D%0A starts a second command (FTP-01; squid before PR #2444, Apache before CVE-2009-3095)',
    [
      'ftp-gateway/refuses-cr-lf-in-the-url-path',
      'ftp-gateway/refuses-cr-lf-in-credentials-and-typecode',
    ],
    () => ({ ftpCommandArgument: () => undefined }),
  ),
  ftpDefect(
    'accepts-a-typecode-by-its-first-letter',
    'Reads only the character after ";type=", so ";type=i%0D%0ADELE…" is served as TYPE I instead of being refused (FTP-01, FTP-17)',
    ['ftp-gateway/refuses-cr-lf-in-credentials-and-typecode'],
    (reference) => ({ typecode: (value) => reference.typecode(value.slice(0, 1)) }),
  ),
  ftpDefect(
    'cuts-names-at-nul',
    'Keeps decoded path segments as C strings, so "f%00.bin" asks the server for "f" (FTP-01; squid notes it in ftpTrySlashHack)',
    ['ftp-gateway/never-cuts-a-name-at-nul'],
    (reference) => ({
      commandPlan: (url, code) => {
        const plan = reference.commandPlan(url, code)
        if (typeof plan === 'string') return plan
        return {
          cwd: plan.cwd.map(cutAtNul),
          name: plan.name === undefined ? undefined : cutAtNul(plan.name),
        }
      },
    }),
  ),
  ftpDefect(
    'writes-everything-the-data-channel-sends',
    'Announces SIZE as Content-Length and relays every octet of the data channel, so a server that sends more plants the next HTTP response (FTP-02; Apache trusts SIZE, catalog [F9])',
    ['ftp-gateway/content-length-never-exceeded-when-size-lies-low'],
    () => ({ bodyLimit: (_length, _written, chunk) => chunk }),
  ),
  ftpDefect(
    'completes-a-body-short-of-size',
    'Takes 226 as completion even when fewer octets came than the Content-Length it announced from SIZE, and keeps the connection for the next response (FTP-02)',
    ['ftp-gateway/short-body-then-close-when-size-lies-high'],
    (reference) => ({
      completion: (end) => reference.completion({ ...end, contentLength: undefined }),
    }),
  ),
  ftpDefect(
    'takes-size-under-any-type',
    'Uses the SIZE reply as Content-Length under TYPE A too, so an ASCII transfer is framed by the stored length (FTP-02, FTP-17; RFC 3659 §4)',
    ['ftp-gateway/no-content-length-from-size-for-an-ascii-transfer'],
    (reference) => ({ contentLengthFrom: (reply) => reference.contentLengthFrom(reply, 'I') }),
  ),
  ftpDefect(
    'completes-on-data-eof',
    'Ends the message when the data connection closes, whatever the control connection says after it (426, or a close with no reply) (FTP-03; RFC 959 §3.3)',
    ['ftp-gateway/truncated-chunked-transfer-never-completed'],
    () => ({
      completion: (end) =>
        end.data === 'eof' &&
        (end.contentLength === undefined || end.bodyBytes === end.contentLength),
    }),
  ),
  ftpDefect(
    'treats-any-final-reply-as-success',
    'Reads the reply after the transfer but not its code, so a 426 completes the message (FTP-03; Apache ignores the code, catalog [F10])',
    ['ftp-gateway/truncated-chunked-transfer-never-completed'],
    (reference) => ({
      completion: (end) =>
        end.reply !== undefined &&
        reference.completion({ ...end, reply: { code: 226, lines: ['226 assumed'] } }),
    }),
  ),
  ftpDefect(
    'completes-on-any-data-end',
    'Takes any end of the data connection (EOF or reset) as the end of the file, ignoring the completion reply and the announced length (FTP-03)',
    [
      'ftp-gateway/truncated-chunked-transfer-never-completed',
      'ftp-gateway/truncated-sized-transfer-never-completed',
    ],
    () => ({ completion: (end) => end.data === 'eof' || end.data === 'reset' }),
  ),
]
