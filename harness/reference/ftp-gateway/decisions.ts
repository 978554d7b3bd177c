/**
 * The HTTP→FTP gateway's pure decisions, each a step (steps.ts): which
 * requests it serves, how a URL becomes FTP commands, what a reply means, how
 * the HTTP response is framed and completed. Each says the sentence it serves.
 */
import { decodePercent } from './ftp-url.js'
import type {
  ByteRange,
  CommandPlan,
  DataAddress,
  FtpFailure,
  FtpReply,
  FtpUrl,
  FtpWait,
  GatewayAnswer,
  Login,
  PassiveAttempt,
  PassiveCommand,
  PassiveOffer,
  ReplyRead,
  TransferEnd,
  Typecode,
} from './types.js'

/**
 * Methods the gateway maps: GET and HEAD. Anything else gets 405 with Allow
 * (RFC 9110 §15.5.6: a 405 lists Allow) and never becomes STOR or DELE (FTP-25).
 */
export function methods(method: string): GatewayAnswer | undefined {
  return method === 'GET' || method === 'HEAD'
    ? undefined
    : { status: 405, headers: ['Allow: GET, HEAD'] }
}

/** Whether the response carries content: never for HEAD (RFC 9110 §9.3.2: the server sends no content, FTP-10). */
export function sendsContent(method: string): boolean {
  return method !== 'HEAD'
}

/** The typecode of `;type=X` (RFC 1738 §3.2.2: a, i or d, either case); undefined for any other value (400, FTP-17). */
export function typecode(value: string): Typecode | undefined {
  const code = value.toLowerCase()
  return code === 'a' || code === 'i' || code === 'd' ? code : undefined
}

/**
 * Why an argument cannot go into an FTP command, or undefined: a CR or LF
 * would end the command early (RFC 959 §4.1, §5.3.2: an argument is any
 * character but CR and LF), a NUL would cut the name short in a C server
 * (FTP-01). Checked for every argument before the first command, and again
 * as each command is written.
 */
export function ftpCommandArgument(argument: Buffer): string | undefined {
  for (const byte of argument) {
    if (byte === 0x0d || byte === 0x0a) return 'a CR or LF in an FTP command argument'
    if (byte === 0x00) return 'a NUL in an FTP command argument'
  }
  return undefined
}

/** The argument as sent on the control connection: each 0xFF doubled (RFC 959 §4.1; RFC 854 IAC IAC, FTP-24). */
export function telnetEscape(argument: Buffer): Buffer {
  if (!argument.includes(0xff)) return argument
  const out: number[] = []
  for (const byte of argument) {
    out.push(byte)
    if (byte === 0xff) out.push(0xff)
  }
  return Buffer.from(out)
}

const ANONYMOUS = Buffer.from('anonymous')
const ANONYMOUS_PASSWORD = Buffer.from('proxyspec@localhost')

/**
 * Who to log in as (RFC 1738 §3.2.1): the URL's user and password,
 * percent-decoded (`%40`, `%3A`); the client's Authorization: Basic when the
 * URL names no password (RFC 9110 §11.6.2); else anonymous with an e-mail-like
 * password. A string: why the request is refused (400).
 */
export function decodeUserinfo(
  userinfo: string | undefined,
  authorization: string | undefined,
): Login | string {
  let urlUser: Buffer | undefined
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':')
    const user = decodePercent(colon === -1 ? userinfo : userinfo.slice(0, colon))
    const password = colon === -1 ? undefined : decodePercent(userinfo.slice(colon + 1))
    if (user === undefined || (colon !== -1 && password === undefined))
      return 'a bad percent-escape in the userinfo'
    if (user.length === 0) return 'an empty user name in the userinfo'
    if (password !== undefined) return { user, password, source: 'url' }
    urlUser = user
  }
  const basic = /^basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(authorization ?? '')
  if (basic !== null) {
    const decoded = Buffer.from(basic[1] ?? '', 'base64')
    const colon = decoded.indexOf(0x3a)
    if (colon <= 0) return 'Authorization: Basic without "user:password"'
    return {
      user: decoded.subarray(0, colon),
      password: decoded.subarray(colon + 1),
      source: 'basic',
    }
  }
  if (urlUser !== undefined) return { user: urlUser, password: undefined, source: 'url' }
  return { user: ANONYMOUS, password: ANONYMOUS_PASSWORD, source: 'anonymous' }
}

/**
 * The commands a URL becomes (RFC 1738 §3.2.2): one CWD per directory
 * segment, each percent-decoded once (an encoded "/" stays inside its
 * segment, a leading %2F gives an absolute CWD), then RETR of the last
 * segment; an empty last segment (a trailing slash) or `;type=d` lists.
 * Empty directory segments are skipped (servers differ on an empty CWD). A
 * string: why the request is refused (400).
 */
export function commandPlan(url: FtpUrl, code: Typecode | undefined): CommandPlan | string {
  const decoded: Buffer[] = []
  for (const segment of url.segments) {
    const octets = decodePercent(segment)
    if (octets === undefined) return `a bad percent-escape in "${segment}"`
    decoded.push(octets)
  }
  const last = decoded.pop() ?? Buffer.alloc(0)
  const cwd = decoded.filter((segment) => segment.length > 0)
  if (code === 'd') return { cwd: last.length > 0 ? [...cwd, last] : cwd, name: undefined }
  return { cwd, name: last.length > 0 ? last : undefined }
}

/**
 * The TYPE for a transfer: A for `;type=a`, I otherwise, so bytes arrive
 * unchanged (RFC 959 §3.1.1.3; the server default is ASCII, §3.1.1.1, so I is
 * always sent; RFC 1738 §3.2.3 lets the gateway choose, FTP-11).
 */
export function transferType(code: Typecode | undefined): 'A' | 'I' {
  return code === 'a' ? 'A' : 'I'
}

/**
 * The Content-Length from a SIZE reply: only a `213 <digits>` asked under
 * TYPE I (RFC 3659 §4: SIZE depends on the TYPE; an ASCII transfer's length
 * is not the file's, FTP-02, FTP-17); undefined sends the body chunked.
 */
export function contentLengthFrom(
  reply: FtpReply | undefined,
  type: 'A' | 'I',
): number | undefined {
  if (reply?.code !== 213 || type !== 'I') return undefined
  const value = /^213 (\d{1,15})\s*$/.exec(reply.lines[0] ?? '')?.[1]
  return value === undefined ? undefined : Number(value)
}

/**
 * Last-Modified from an MDTM reply: `213 YYYYMMDDHHMMSS[.sss]`, UTC (RFC 3659
 * §2.3, §3), the fraction dropped, never later than `now` (RFC 9110 §8.8.2.1:
 * a future value is replaced by Date, FTP-13).
 */
export function lastModifiedFrom(reply: FtpReply | undefined, now: Date): Date | undefined {
  if (reply?.code !== 213) return undefined
  const m = /^213 (\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?\s*$/.exec(
    reply.lines[0] ?? '',
  )
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined
  const time = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59))
  const whole = Math.floor(now.getTime() / 1000) * 1000
  return new Date(Math.min(time, whole))
}

/**
 * Where the control connection goes: the host and port of the ftp:// URI
 * itself, port 21 when it names none (RFC 1738 §3.2). The request's Host field
 * never changes it: with an absolute-form request-target the Host field is
 * ignored (RFC 9112 §3.2.2), and an encoded "@" or ":" in the userinfo was
 * left in the userinfo by parseFtpUrl (RFC 3986 §3.2.1; FTP-28).
 */
export function controlAddress(url: FtpUrl): { readonly host: string; readonly port: number } {
  // The step also receives the Host field value (FtpGatewaySteps.controlAddress): not consulted.
  return { host: url.host, port: url.port }
}

/**
 * The range a Range field asks for, when the gateway serves it as 206 from
 * REST n + RETR: one satisfiable `bytes=first-[last]` or `bytes=-suffix` of a
 * file whose size SIZE gave (RFC 9110 §14.1.2). Anything else (no size,
 * several ranges, unsatisfiable, another unit) is ignored and the whole file
 * sent with 200, which RFC 9110 §14.2 allows (FTP-12).
 */
export function byteRange(
  range: string | undefined,
  size: number | undefined,
): ByteRange | undefined {
  if (range === undefined || size === undefined || size === 0) return undefined
  const m = /^\s*bytes\s*=\s*(\d*)-(\d*)\s*$/i.exec(range)
  if (m === null) return undefined
  const [from, to] = [m[1] ?? '', m[2] ?? '']
  if (from === '') {
    if (to === '' || Number(to) === 0) return undefined
    return { first: Math.max(0, size - Number(to)), last: size - 1, size }
  }
  const first = Number(from)
  const last = to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (first >= size || last < first) return undefined
  return { first, last, size }
}

/**
 * Whether the data will start at the REST offset: only after 350 (RFC 3659
 * §5.3: REST is answered 350 and the next transfer starts there; any other
 * reply leaves the offset at 0, so the gateway sends the whole file, FTP-12).
 */
export function restartAccepted(reply: FtpReply): boolean {
  return reply.code === 350
}

/**
 * The next passive command to try: EPSV first (RFC 2428 §3), PASV when EPSV
 * was refused with 500, 501, 502 or 522 or gave an unusable 229 (RFC 2428 §3
 * errors; FTP-22); nothing after PASV (502). Never EPSV ALL, never active
 * mode (RFC 1579: passive by default), so there is no PORT path.
 */
export function passiveOrder(previous: PassiveAttempt | undefined): PassiveCommand | undefined {
  if (previous === undefined) return 'EPSV'
  if (previous.command !== 'EPSV') return undefined
  if (previous.problem !== undefined) return 'PASV'
  return [500, 501, 502, 522].includes(previous.reply.code) ? 'PASV' : undefined
}

/**
 * A positive passive reply parsed: 229 `(<d><d><d><port><d>)` with one
 * delimiter character repeated (RFC 2428 §3), 227 `h1,h2,h3,h4,p1,p2` each
 * 0-255 (RFC 959 §4.1.2). A string: why it is unusable (FTP-07).
 */
export function passiveOffer(command: PassiveCommand, reply: FtpReply): PassiveOffer | string {
  const text = reply.lines.join('\n')
  if (command === 'EPSV') {
    if (reply.code !== 229) return `EPSV answered ${reply.code}`
    const m = /\(([\x21-\x7e])\1\1(\d{1,5})\1\)/.exec(text)
    if (m === null) return 'a malformed 229 reply'
    return { command, port: Number(m[2]) }
  }
  if (reply.code !== 227) return `PASV answered ${reply.code}`
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(text.slice(4))
  if (m === null) return 'a malformed 227 reply'
  const n = m.slice(1).map(Number)
  if (n.some((v) => v > 255)) return 'a 227 field above 255'
  return { command, host: n.slice(0, 4).join('.'), port: (n[4] ?? 0) * 256 + (n[5] ?? 0) }
}

/**
 * Where the data connection goes: the control connection's peer, always
 * (RFC 2428 §3 for EPSV; a 227 host that differs is ignored, RFC 2577 §3
 * bounce, FTP-04), and only to a port from 1024 to 65535. A string: refused.
 */
export function dataAddress(offer: PassiveOffer, controlPeer: string): DataAddress | string {
  if (offer.port < 1024 || offer.port > 65535)
    return `${offer.command} named port ${offer.port}, outside 1024-65535`
  return { host: controlPeer, port: offer.port }
}

const MAX_REPLY = 64 * 1024

/**
 * The first whole reply in `buffered` (RFC 959 §4.2): a line `ddd text`, or
 * `ddd-text` and every line up to the one that starts with the same code and
 * a space; inner lines, even ones that look like replies, are part of it.
 * Lines end at LF (a CR before it dropped). Segmentation does not matter: a
 * reply is returned only once its last line is whole. A reply over 64 KiB is
 * refused (FTP-07).
 */
export function readReply(buffered: Buffer): ReplyRead {
  const lines: string[] = []
  let start = 0
  let code: string | undefined
  for (;;) {
    const lf = buffered.indexOf(0x0a, start)
    if (lf === -1)
      return buffered.length > MAX_REPLY ? { problem: 'an FTP reply over 64 KiB' } : undefined
    if (lf + 1 > MAX_REPLY) return { problem: 'an FTP reply over 64 KiB' }
    const line = buffered.toString('latin1', start, buffered[lf - 1] === 0x0d ? lf - 1 : lf)
    start = lf + 1
    lines.push(line)
    if (code === undefined) {
      const first = /^(\d{3})([ -]|$)/.exec(line)
      if (first === null) return { problem: `a malformed FTP reply line "${line.slice(0, 80)}"` }
      code = first[1] ?? ''
      if (first[2] !== '-') return { reply: { code: Number(code), lines }, consumed: start }
    } else if (line.startsWith(`${code} `) || line === code) {
      return { reply: { code: Number(code), lines }, consumed: start }
    }
  }
}

/**
 * The HTTP status for a failed FTP transaction (RFC 959 §4.2 code meanings;
 * RFC 9110 §15): 550 → 404; 530 or 43x → 401 with a Basic challenge unless
 * the URL carried the password (403; RFC 9110 §15.5.2 every 401 carries
 * WWW-Authenticate, FTP-15); 421, 450, 451 → 503; 425, 426 and anything
 * unexpected → 502; a timeout → 504 (FTP-20, FTP-21).
 */
export function replyStatus(failure: FtpFailure, login: Login | undefined): GatewayAnswer {
  const challenge = { status: 401, headers: ['WWW-Authenticate: Basic realm="proxyspec FTP"'] }
  switch (failure.kind) {
    case 'refused':
      return { status: 400, headers: [] }
    case 'credentials-needed':
      return challenge
    case 'timeout':
      return { status: 504, headers: [] }
    case 'closed':
    case 'protocol':
      return { status: 502, headers: [] }
    case 'reply': {
      const { code } = failure.reply
      if (code === 550) return { status: 404, headers: [] }
      if (code === 530 || (code >= 430 && code <= 439))
        return login?.source === 'url' && login.password !== undefined
          ? { status: 403, headers: [] }
          : challenge
      if (code === 421 || code === 450 || code === 451) return { status: 503, headers: [] }
      return { status: 502, headers: [] }
    }
  }
}

/**
 * Whether a RETR refused with this reply is retried as a directory (CWD, then
 * a listing): a 550 (RFC 1738 §3.2.2 leaves it to the client whether a name is
 * a file or a directory; FTP-18).
 */
export function retryAsDirectory(reply: FtpReply): boolean {
  return reply.code === 550
}

/**
 * Whether the HTTP message is completed (last-chunk, or persistence after
 * Content-Length): only when the data connection ended with EOF, the control
 * connection then said 226 or 250 (RFC 959 §5.4; §3.3: a close alone proves
 * nothing), and every announced byte came (RFC 9112 §6.3). Otherwise the
 * response is left incomplete and the connection closed (FTP-03).
 */
export function completion(end: TransferEnd): boolean {
  if (end.data !== 'eof') return false
  if (end.reply?.code !== 226 && end.reply?.code !== 250) return false
  return end.contentLength === undefined || end.bodyBytes === end.contentLength
}

/**
 * How many of a data chunk's `chunk` octets may be written: never past the
 * announced Content-Length (RFC 9112 §6.3: the length delimits the message;
 * the surplus would be read as the next response, FTP-02).
 */
export function bodyLimit(
  contentLength: number | undefined,
  written: number,
  chunk: number,
): number {
  return contentLength === undefined ? chunk : Math.max(0, Math.min(chunk, contentLength - written))
}

const TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  csv: 'text/csv',
  js: 'text/javascript',
  json: 'application/json',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  gif: 'image/gif',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  tar: 'application/x-tar',
}

/**
 * The Content-Type of a file (RFC 9110 §8.3): text/plain for `;type=a`, else
 * from the name's extension, else application/octet-stream. `.gz` is the type
 * application/gzip, never Content-Encoding (RFC 9110 §8.4, FTP-19).
 */
export function contentType(name: Buffer, code: Typecode | undefined): string {
  if (code === 'a') return 'text/plain'
  const ext = /\.([A-Za-z0-9]+)$/.exec(name.toString('latin1'))?.[1]?.toLowerCase()
  return (ext === undefined ? undefined : TYPES[ext]) ?? 'application/octet-stream'
}

/** How long a wait may take: ftpTimeoutMs for every connect, reply and data-inactivity wait (FTP-21). */
export function timeout(_wait: FtpWait, ftpTimeoutMs: number): number {
  return ftpTimeoutMs
}
