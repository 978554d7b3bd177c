// Seeded defects the ftp-gateway suite must catch: the reference HTTP→FTP
// gateway (harness/reference/ftp-gateway) with one step of its FTP pipeline
// replaced, started as builtin:reference is in the ftp-gateway role.
import { startFtpGatewayTarget } from '../../harness/engine/target/builtin.js'
import {
  lastModifiedUnclamped,
  loginAlwaysWithPass,
  loginFailingOn331,
  loginWithoutWaitingFor220,
  readReplyAtInnerLine,
  readReplyPerSegment,
} from './parts/ftp-dialogue.js'
import type {
  FtpGatewayVariant,
  PassiveCommand,
} from '../../harness/reference/ftp-gateway/index.js'
import { hostFieldAddress } from './parts/ftp-host-field.js'
import { decodedHrefs } from './parts/ftp-listing-hrefs.js'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  fixedBufferErrorPage,
  overReadingListing,
  rawReplyErrorPage,
  rawUnparsedLinesListing,
  urlEchoingErrorPage,
  wrappingPassiveOffer,
} from './parts/ftp-pages.js'
import type { SeededDefect } from './types.js'

/** The octets up to the first NUL, as a C string would hold them. */
function cutAtNul(octets: Buffer): Buffer {
  const nul = octets.indexOf(0x00)
  return nul === -1 ? octets : octets.subarray(0, nul)
}

/** A URL path segment's text decoded once, as latin1 (the reference decodes it again). */
function decodedOnce(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  )
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
  ftpDefect(
    'last-modified-from-future-mdtm',
    'Copies the MDTM time into Last-Modified even when it lies in the future, later than Date (FTP-13; RFC 9110 §8.8.2.1)',
    ['ftp-gateway/last-modified-never-after-date'],
    (reference) => ({ lastModifiedFrom: lastModifiedUnclamped(reference) }),
  ),
  ftpDefect(
    'last-modified-in-local-time',
    'Reads the MDTM time-val in the local zone (UTC+05:30) instead of UTC, so Last-Modified is shifted (FTP-13; RFC 3659 §2.3)',
    ['ftp-gateway/last-modified-from-mdtm'],
    (reference) => ({
      lastModifiedFrom: (reply, now) => {
        const time = reference.lastModifiedFrom(reply, now)
        return time === undefined ? undefined : new Date(time.getTime() - 5.5 * 3_600_000)
      },
    }),
  ),
  ftpDefect(
    'labels-gz-as-content-encoding',
    'Labels x.tar.gz Content-Encoding: gzip (squid mime.conf does), so a client decompresses what it saves (FTP-19; RFC 9110 §8.4)',
    ['ftp-gateway/labels-files-with-a-content-type'],
    (reference) => ({
      contentType: (name, code) =>
        /\.gz$/i.test(name.toString('latin1'))
          ? 'application/x-tar\r\nContent-Encoding: gzip'
          : reference.contentType(name, code),
    }),
  ),
  ftpDefect(
    'sends-user-before-220',
    'Takes a 120 greeting for the 220 and sends USER at once, out of step with the server (FTP-14; RFC 959 §5.4)',
    ['ftp-gateway/login-waits-for-220-after-a-120'],
    () => ({ loginSequence: loginWithoutWaitingFor220 }),
  ),
  ftpDefect(
    'requires-pass-after-230',
    'Sends PASS even when USER was answered 230 and fails on the 503 that follows (FTP-14; RFC 959 §5.4)',
    ['ftp-gateway/login-accepts-230-after-user'],
    () => ({ loginSequence: loginAlwaysWithPass }),
  ),
  ftpDefect(
    'leaves-userinfo-encoded',
    'Sends the URL user and password as written, %40 and %3A left encoded (FTP-14; RFC 1738 §3.2.1)',
    ['ftp-gateway/login-decodes-userinfo'],
    (reference) => ({
      decodeUserinfo: (userinfo, authorization) =>
        reference.decodeUserinfo(userinfo?.replace(/%/g, '%25'), authorization),
    }),
  ),
  ftpDefect(
    'answers-502-when-a-password-is-missing',
    'A URL user without a password who meets 331 gets 502 instead of a 401 challenge (FTP-14; RFC 1738 §3.2.1)',
    ['ftp-gateway/login-asks-for-a-missing-password'],
    (reference) => ({ loginSequence: loginFailingOn331(reference) }),
  ),
  ftpDefect(
    'decodes-path-twice',
    'Percent-decodes each path segment twice, so %2541.bin is asked for as A.bin (FTP-16; RFC 1738 §3.2.2)',
    ['ftp-gateway/decodes-each-path-segment-once'],
    (reference) => ({
      commandPlan: (url, code) =>
        reference.commandPlan({ ...url, segments: url.segments.map(decodedOnce) }, code),
    }),
  ),
  ftpDefect(
    'splits-at-an-encoded-slash',
    'Decodes the whole path before splitting it at "/", so a%2Fb becomes CWD a, CWD b (FTP-16; RFC 1738 §3.2.2)',
    ['ftp-gateway/keeps-an-encoded-slash-in-its-segment'],
    (reference) => ({
      commandPlan: (url, code) => {
        const path = url.segments.map(decodedOnce).join('/')
        const segments = path.split('/').map((s) => s.replace(/%/g, '%25'))
        return reference.commandPlan({ ...url, segments }, code)
      },
    }),
  ),
  ftpDefect(
    'ignores-typecode-a',
    'Retrieves every file under TYPE I, ;type=a included (FTP-17; RFC 1738 §3.2.2)',
    ['ftp-gateway/typecode-selects-the-transfer'],
    () => ({ transferType: () => 'I' }),
  ),
  ftpDefect(
    'ends-reply-at-inner-code-line',
    'Ends a multi-line reply at the first inner line that looks like a reply and acts on its code: an inner 230 or 226 (FTP-23; RFC 959 §4.2)',
    [
      'ftp-gateway/ignores-reply-like-inner-lines',
      'ftp-gateway/final-status-follows-the-final-reply-code',
    ],
    () => ({ readReply: readReplyAtInnerLine }),
  ),
  ftpDefect(
    'parses-partial-reply-lines',
    'Parses the bytes of one read as a whole reply line, so a reply split across TCP segments is garbage (FTP-23; RFC 959 §4.2)',
    ['ftp-gateway/ignores-reply-like-inner-lines'],
    (reference) => ({ readReply: readReplyPerSegment(reference) }),
  ),
  ftpDefect(
    'sends-a-single-0xff',
    'Writes a 0xFF in a file name as one byte, which a Telnet-aware server reads as IAC (FTP-24; RFC 959 §4.1, RFC 854)',
    ['ftp-gateway/doubles-0xff-in-ftp-commands'],
    () => ({ telnetEscape: (argument) => argument }),
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
