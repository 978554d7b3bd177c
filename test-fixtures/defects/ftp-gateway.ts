// Seeded defects the ftp-gateway suite must catch: the reference HTTP→FTP
// gateway (harness/reference/ftp-gateway) with one step of its FTP pipeline
// replaced, started as builtin:reference is in the ftp-gateway role.
import type { FtpGatewayVariant } from '../../harness/reference/ftp-gateway/index.js'
import { startFtpGatewayTarget } from '../../harness/engine/target/builtin.js'
import type { SeededDefect } from './types.js'
import { decodedHrefs } from './parts/ftp-listing-hrefs.js'
import { setTimeout as sleep } from 'node:timers/promises'

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
    'head-with-content',
    'Treats HEAD as GET: RETRs the file and sends its bytes after the HEAD response (FTP-10; RFC 9110 §9.3.2)',
    ['ftp-gateway/head-answers-like-get-without-content'],
    () => ({ sendsContent: () => true }),
  ),
  ftpDefect(
    'range-without-checking-rest',
    'Answers 206 for the range it asked REST for even when REST was refused, so the bytes from offset 0 go out under a Content-Range that names others (FTP-12; RFC 3659 §5.3, RFC 9110 §15.3.7)',
    ['ftp-gateway/range-206-encloses-exactly-its-content-range'],
    () => ({ restartAccepted: () => true }),
  ),
  ftpDefect(
    'listing-hrefs-not-encoded',
    'Writes listing links with the raw names (space, #, ?, %, ; not percent-encoded), so they fetch something else (FTP-18; RFC 3986 §2.1)',
    ['ftp-gateway/listing-links-fetch-their-entries'],
    (reference) => ({
      listingPage: (listing, context) => decodedHrefs(reference.listingPage(listing, context)),
    }),
  ),
  ftpDefect(
    '405-without-allow',
    'Refuses unmapped methods with 405 but no Allow field (FTP-25; RFC 9110 §15.5.6)',
    ['ftp-gateway/unmapped-methods-change-nothing'],
    (reference) => ({
      methods: (method) => {
        const answer = reference.methods(method)
        return answer === undefined ? undefined : { status: 405, headers: [] }
      },
    }),
  ),
  ftpDefect(
    'never-quits',
    'Leaves every FTP session as it is after the exchange: no QUIT, no ABOR, the control connection left open (FTP-26; RFC 959 §4.1.1)',
    ['ftp-gateway/leaves-no-ftp-connection-open', 'ftp-gateway/stops-an-abandoned-download'],
    () => ({ quit: () => undefined }),
  ),
  ftpDefect(
    'sleeps-before-login',
    'Waits a fixed second after connecting before it logs in (FTP-27: no fixed sleeps on a working server)',
    ['ftp-gateway/adds-bounded-overhead'],
    (reference) => ({
      loginSequence: async (control, login) => {
        await sleep(1000)
        return reference.loginSequence(control, login)
      },
    }),
  ),
  ftpDefect(
    'carries-login-to-anonymous-requests',
    'Remembers the last credentials a client gave and logs in with them for later requests that carry none, as a pooled logged-in session would (FTP-09)',
    ['ftp-gateway/login-does-not-carry-to-another-request'],
    (reference) => {
      // One memory per started gateway: the variant runs once per start.
      let last: ReturnType<typeof reference.decodeUserinfo> | undefined
      return {
        decodeUserinfo: (userinfo, authorization) => {
          const login = reference.decodeUserinfo(userinfo, authorization)
          if (typeof login === 'string') return login
          if (login.source !== 'anonymous') last = login
          return login.source === 'anonymous' && last !== undefined ? last : login
        },
      }
    },
  ),
]
