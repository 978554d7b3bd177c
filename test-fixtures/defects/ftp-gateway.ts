// Seeded defects the ftp-gateway suite must catch: the reference HTTP→FTP
// gateway (harness/reference/ftp-gateway) with one step of its FTP pipeline
// replaced, started as builtin:reference is in the ftp-gateway role.
import type { FtpGatewayVariant } from '../../harness/reference/ftp-gateway/index.js'
import { startFtpGatewayTarget } from '../../harness/engine/target/builtin.js'
import type { SeededDefect } from './types.js'
import {
  fixedBufferErrorPage,
  overReadingListing,
  rawReplyErrorPage,
  rawUnparsedLinesListing,
  urlEchoingErrorPage,
  wrappingPassiveOffer,
} from './parts/ftp-pages.js'

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
  // FTP-05: markup from the FTP server in generated pages.
  ftpDefect(
    'listing-page-unescaped',
    'Writes listing lines it cannot parse, and lines over 1024 characters, into the page as they came (squid htmlifyListEntry, catalog [F7]; FTP-05)',
    ['ftp-gateway/listing-page-escapes-server-text'],
    () => ({ listingPage: rawUnparsedLinesListing }),
  ),
  ftpDefect(
    'error-page-unescaped-reply',
    "Quotes the FTP reply text in its error page without escaping it (RFC 959 §4.2: the text is the server's; FTP-05)",
    ['ftp-gateway/error-page-escapes-reply-text'],
    () => ({ errorPage: rawReplyErrorPage }),
  ),
  // FTP-06: the password in what the gateway writes.
  ftpDefect(
    'error-page-echoes-password',
    'Names the URL in its error page as the client wrote it, password included (RFC 3986 §3.2.1; squid %U, catalog [F11]; FTP-06)',
    ['ftp-gateway/password-never-in-generated-responses'],
    () => ({ errorPage: urlEchoingErrorPage }),
  ),
  // FTP-07: malformed and oversized replies.
  ftpDefect(
    'passive-reply-fields-wrapped',
    'Keeps the low octet of a 227 field above 255 instead of refusing the reply, so the data connection goes to a port the server never named (RFC 959 §4.1.2; FTP-07)',
    ['ftp-gateway/malformed-passive-replies-end-cleanly'],
    (reference) => ({ passiveOffer: wrappingPassiveOffer(reference) }),
  ),
  ftpDefect(
    'size-parsed-leniently',
    'Takes Content-Length from SIZE with parseInt, so "213 -1" or a 23-digit size becomes a malformed Content-Length (RFC 3659 §4; FTP-07)',
    ['ftp-gateway/garbage-size-and-mdtm-replies-end-cleanly'],
    () => ({
      contentLengthFrom: (reply, type) => {
        if (reply?.code !== 213 || type !== 'I') return undefined
        const n = parseInt((reply.lines[0] ?? '').slice(4), 10)
        return Number.isNaN(n) ? undefined : n
      },
    }),
  ),
  ftpDefect(
    'error-page-crashes-on-long-reply',
    'Renders the error page through a fixed 16 KiB buffer and dies on a longer reply text: the client connection drops with no response (FTP-07)',
    ['ftp-gateway/oversized-replies-end-cleanly'],
    (reference) => ({ errorPage: fixedBufferErrorPage(reference) }),
  ),
  ftpDefect(
    'listing-parser-over-reads',
    'Keeps listings in one reused buffer and names a nameless last line with the bytes after it: an earlier listing leaks into the page (the Squidbleed shape, CVE-2026-47729; FTP-07)',
    ['ftp-gateway/hostile-listings-end-cleanly'],
    (reference) => ({ listingPage: overReadingListing(reference) }),
  ),
  ftpDefect(
    'no-data-channel-timeout',
    'Waits ten minutes on a silent data connection, so a LIST that never ends hangs the request past {ftp_timeout} (FTP-07, FTP-21)',
    ['ftp-gateway/endless-listings-end-cleanly'],
    (reference) => ({
      timeout: (wait, ms) => (wait === 'data' ? 600_000 : reference.timeout(wait, ms)),
    }),
  ),
  // FTP-15 and FTP-20: statuses for FTP failures.
  ftpDefect(
    'challenge-without-www-authenticate',
    'Answers a refused login 401 without a WWW-Authenticate field (RFC 9110 §15.5.2; FTP-15)',
    ['ftp-gateway/login-refusal-401-carries-a-challenge'],
    (reference) => ({
      replyStatus: (failure, login) => {
        const answer = reference.replyStatus(failure, login)
        return answer.status === 401 ? { status: 401, headers: [] } : answer
      },
    }),
  ),
  ftpDefect(
    'ignores-basic-credentials',
    "Never reads Authorization: Basic, so after its 401 challenge the client's correct credentials change nothing (RFC 9110 §11.6.2; FTP-15)",
    ['ftp-gateway/login-refusal-401-carries-a-challenge'],
    (reference) => ({
      decodeUserinfo: (userinfo) => reference.decodeUserinfo(userinfo, undefined),
    }),
  ),
  ftpDefect(
    'login-failure-always-401',
    'Answers every failure before the login completes (a 421 at the greeting, to USER, to PASS) with a 401 challenge (RFC 959 §4.2 421; FTP-15)',
    ['ftp-gateway/service-closing-is-not-an-auth-challenge'],
    (reference) => ({
      replyStatus: (failure, login) =>
        failure.kind === 'reply' && ['greeting', 'USER', 'PASS'].includes(failure.command)
          ? { status: 401, headers: ['WWW-Authenticate: Basic realm="FTP"'] }
          : reference.replyStatus(failure, login),
    }),
  ),
  ftpDefect(
    'missing-file-is-200',
    'Answers a 550 (file unavailable) with 200 and its error page as the content (RFC 9110 §15.3; FTP-20)',
    ['ftp-gateway/ftp-failures-are-framed-errors'],
    (reference) => ({
      replyStatus: (failure, login) =>
        failure.kind === 'reply' && failure.reply.code === 550
          ? { status: 200, headers: [] }
          : reference.replyStatus(failure, login),
    }),
  ),
]
