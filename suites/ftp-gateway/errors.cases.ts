/**
 * FTP-15 and FTP-20: how FTP failures become HTTP statuses. The binding
 * sentences: RFC 9110 §15.5.2 (a server generating 401 MUST send a
 * WWW-Authenticate field with at least one challenge), §15.3 (2xx means the
 * request succeeded), §15.6.3 (502: an invalid response from the server
 * behind a gateway), §15.5.5 (404); RFC 959 §4.2 gives the FTP code
 * meanings (421 service closing, 530 not logged in, 550 file unavailable).
 * Which 4xx/5xx a gateway picks is mostly semantic: the catalog grades it
 * INFO, "550 is not 404" WARN, and FAILs only a 401 without a challenge, a
 * failed retry with correct credentials, a 2xx for a failure, or an
 * unframed error.
 */
import { createServer } from 'node:net'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { T_TXT, type FtpScript } from '../../harness/ftp/index.js'
import type { FieldLine } from '../../harness/wire/types.js'
import {
  basic,
  fetchThrough,
  fieldOf,
  forwardUrl,
  messageOf,
  summary,
  type Exchange,
} from './exchange.js'
import { ftpOf } from './ftp.js'

/** A failure the case provokes: the label, the request-target, the script, extra fields. */
interface Provoked {
  readonly label: string
  readonly target: string | undefined
  readonly script: FtpScript
  readonly headers?: readonly FieldLine[]
  /** The Host value, when the URL names another authority than FO's. */
  readonly host?: string
}

async function play(ctx: CaseContext, items: readonly Provoked[]): Promise<Exchange[]> {
  const ftp = ftpOf(ctx)
  const boundMs = (ftp.timeoutS + 5) * 1000
  const out: Exchange[] = []
  for (const item of items) {
    if (item.target === undefined) {
      ctx.note(`${item.label}: not applicable in ${ftp.mode} mode`)
      continue
    }
    ftp.origin.script(item.script)
    const exchange = await fetchThrough(ctx, `${item.label}: GET ${item.target}`, item.target, {
      headers: item.headers ?? [],
      withinMs: boundMs,
      ...(item.host === undefined ? {} : { host: item.host }),
    })
    ctx.note(`${exchange.label} → ${summary(exchange)} (${exchange.ms} ms)`)
    out.push(exchange)
  }
  return out
}

/**
 * The FAIL part shared by the error rows: a failure answered 2xx (RFC 9110
 * §15.3), or not answered with a whole response (a close, a malformed or
 * short one, no answer within {ftp_timeout}+5 s).
 */
function unframedOrSuccess(exchanges: readonly Exchange[]): Outcome | undefined {
  for (const exchange of exchanges) {
    const message = messageOf(exchange)
    // A failure after the 150 (426 mid-transfer) may come after the head:
    // then the response is left incomplete and closed (RFC 9112 §8; FTP-03).
    if (exchange.label.includes('mid-transfer') && message !== undefined && !message.complete)
      continue
    if (!message?.complete)
      return violates(`a framed error response to ${exchange.label}`, summary(exchange))
    if (message.head.status >= 200 && message.head.status < 300)
      return violates(
        `an error status for ${exchange.label} (RFC 9110 §15.3: 2xx means success)`,
        `${message.head.status} ${message.head.reason}`,
      )
  }
  return undefined
}

/**
 * A 401 without WWW-Authenticate (RFC 9110 §15.5.2: "The server generating a
 * 401 response MUST send a WWW-Authenticate header field"), or a 407 without
 * Proxy-Authenticate (§15.5.8: "The proxy MUST send a Proxy-Authenticate
 * header field"): the first such exchange and what it lacks.
 */
function challengeless(
  exchanges: readonly Exchange[],
): { readonly exchange: Exchange; readonly lacks: string } | undefined {
  for (const exchange of exchanges) {
    const message = messageOf(exchange)
    const status = message?.head.status
    if (message === undefined || (status !== 401 && status !== 407)) continue
    const field = status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate'
    if ((fieldOf(message, field) ?? '').trim() === '')
      return { exchange, lacks: `${status} without ${field}` }
  }
  return undefined
}

function table(exchanges: readonly Exchange[]): string {
  return exchanges.map((e) => `${e.label.split(': GET')[0] ?? ''} → ${summary(e)}`).join('; ')
}

export const errorCases = [
  // Grades catalog row FTP-15's MUST (RFC 9110 §15.5.2: a 401 MUST carry
  // WWW-Authenticate with at least one challenge) and its retry (RFC 9110
  // §11.6.2: the client answers the challenge with Authorization; a gateway
  // that issues the challenge must accept the answer). 530 to anonymous, to
  // a user without password, to a wrong URL password and to wrong Basic
  // credentials; then correct Basic credentials fetch the file. Which of
  // 401/403 is used is INFO (noted).
  defineCase({
    id: 'login-refusal-401-carries-a-challenge',
    title:
      'A refused FTP login gives 401 with a challenge (or 403), and Basic credentials then work',
    requirements: ['FTP-15'],
    spec: [
      { rfc: 9110, section: '15.5.2' },
      { rfc: 9110, section: '11.6.2' },
      { rfc: 959, section: '4.2' },
    ],
    requirement:
      'every 401 carries WWW-Authenticate; a retry with correct Authorization: Basic after a 530 succeeds',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      // FO refuses anonymous (RFC 959 §4.2: 530 not logged in) and any wrong password.
      const refuseAnonymous: FtpScript = {
        PASS: (c) =>
          c.user === 'anonymous' || c.user === 'ftp' ? '530 Anonymous login refused.' : undefined,
      }
      const target = ftp.requestTarget('/pub/t.txt') ?? ''
      const refusals = await play(ctx, [
        { label: 'anonymous, FO 530', target, script: refuseAnonymous },
        {
          label: 'bob@ without a password',
          target: forwardUrl(ctx, 'bob', '/pub/t.txt'),
          script: refuseAnonymous,
        },
        {
          label: 'alice:wrong@ in the URL',
          target: forwardUrl(ctx, 'alice:wrong', '/pub/t.txt'),
          script: refuseAnonymous,
        },
        {
          label: 'Basic alice:wrong',
          target,
          script: refuseAnonymous,
          headers: [basic('alice', 'wrong')],
        },
      ])
      const [retry] = await play(ctx, [
        {
          label: 'retry with Basic alice:S3cretPW',
          target,
          script: refuseAnonymous,
          headers: [basic('alice', 'S3cretPW')],
        },
      ])
      ctx.note(ftp.origin.transcript())
      const bare = challengeless(refusals)
      if (bare !== undefined)
        return violates(
          `a challenge with the ${bare.lacks.slice(0, 3)} to ${bare.exchange.label}`,
          bare.lacks,
        )
      const failed = unframedOrSuccess(refusals)
      if (failed !== undefined) return failed
      const message = retry === undefined ? undefined : messageOf(retry)
      if (retry === undefined || message?.head.status !== 200 || !message.complete)
        return violates(
          'the retry with correct Basic credentials answered 200 with pub/t.txt',
          retry === undefined ? 'not sent' : summary(retry),
        )
      const body = message.body.toString('latin1')
      if (body !== T_TXT && body !== T_TXT.replace(/\n/g, '\r\n'))
        return violates(
          'the retry with correct Basic credentials returned pub/t.txt',
          `${message.body.length} other bytes`,
        )
      const challenges = refusals
        .map((e) =>
          messageOf(e) === undefined ? undefined : fieldOf(messageOf(e)!, 'www-authenticate'),
        )
        .filter((v) => v !== undefined)
      return conforms(
        `codes (INFO): ${table(refusals)}; challenge: ${challenges[0] ?? 'none issued'}`,
      )
    },
  }),

  // Grades catalog row FTP-15's status part (RFC 959 §4.2: 421 "service not
  // available, closing control connection" is the server's state, not the
  // client's credentials; RFC 9110 §15.5.2: 401 says the request lacks valid
  // authentication credentials): a 421 at the greeting, after USER and after
  // PASS is 502 or 503, and a 401 there warns (the catalog's "not 401", a
  // semantic, SHOULD-level choice). 332 (account needed) is INFO.
  defineCase({
    id: 'service-closing-is-not-an-auth-challenge',
    title: 'A 421 during login is a 502/503, not a 401 asking for credentials',
    requirements: ['FTP-15', 'FTP-20'],
    spec: [
      { rfc: 959, section: '4.2' },
      { rfc: 9110, section: '15.5.2' },
      { rfc: 9110, section: '15.6.4' },
    ],
    requirement:
      'a 421 at the greeting or during login becomes 502 or 503, not 401; never 2xx, never an unframed error',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const target = ftp.requestTarget('/pub/t.txt') ?? ''
      const closing = {
        reply: '421 Service not available, closing control connection.',
        after: 'close' as const,
      }
      const exchanges = await play(ctx, [
        { label: '421 greeting', target, script: { greeting: closing } },
        { label: '421 to USER', target, script: { USER: closing } },
        { label: '421 to PASS', target, script: { PASS: closing } },
        { label: '332 to PASS', target, script: { PASS: '332 Need account for login.' } },
      ])
      ctx.note(ftp.origin.transcript())
      // RFC 9110 §15.3 and §15.5.2 bind as MUST; the status choice only warns.
      const failed = unframedOrSuccess(exchanges)
      if (failed !== undefined) return failed
      const bare = challengeless(exchanges)
      if (bare !== undefined)
        return violates(
          `a challenge with the ${bare.lacks.slice(0, 3)} to ${bare.exchange.label}`,
          bare.lacks,
        )
      const asAuth = exchanges.filter(
        (e) =>
          e.label.startsWith('421') &&
          (messageOf(e)?.head.status === 401 || messageOf(e)?.head.status === 407),
      )
      if (asAuth.length > 0)
        return violates(
          '502 or 503 for a 421 (the server is closing; credentials are not the problem)',
          `401 for ${asAuth.map((e) => e.label.split(':')[0]).join(', ')}`,
          'SHOULD',
        )
      return conforms(`codes (INFO): ${table(exchanges)}`)
    },
  }),

  // Grades catalog row FTP-20 (RFC 9110 §15.3: 2xx means success, so no
  // failure may be one; RFC 9112 §6: the error is a framed message): each
  // code at the greeting, USER, CWD and RETR, plus a closed port. 550 → 404
  // (RFC 9110 §15.5.5; the catalog's WARN); the rest is the INFO table.
  defineCase({
    id: 'ftp-failures-are-framed-errors',
    title: 'FTP failure codes become framed 4xx/5xx responses, 550 a 404',
    requirements: ['FTP-20'],
    spec: [
      { rfc: 9110, section: '15.3' },
      { rfc: 9110, section: '15.5.5' },
      { rfc: 9110, section: '15.6.3' },
      { rfc: 959, section: '4.2' },
    ],
    requirement:
      'an FTP failure is never answered 2xx and always with a framed response; 550 becomes 404',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 8000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const target = ftp.requestTarget('/pub/f.bin') ?? ''
      // A loopback port nobody listens on (RFC 9110 §15.6.3: the gateway could not reach its server).
      const closedPort = await new Promise<number>((resolve, reject) => {
        const server = createServer()
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number }
          server.close(() => resolve(port))
        })
      })
      const at = (label: string, script: FtpScript): Provoked => ({ label, target, script })
      const exchanges = await play(ctx, [
        at('greeting 500', { greeting: '500 garbage' }),
        at('USER 500', { USER: '500 Syntax error' }),
        // RETR fails too: a gateway may retry the whole path after a refused
        // CWD (squid does, RETR /pub/f.bin), and that is no failure to report.
        at('CWD 550 (RETR 550)', { CWD: '550 No such directory.', RETR: '550 No such file.' }),
        at('CWD 450 (RETR 450)', { CWD: '450 Directory unavailable.', RETR: '450 File busy.' }),
        at('RETR 550', {
          RETR: '550 No such file.',
          CWD: (c) => (c.arg === 'f.bin' ? '550 Not a directory.' : undefined),
        }),
        at('RETR 450', { RETR: '450 File busy.' }),
        at('RETR 451', { RETR: '451 Local error.' }),
        at('RETR 425', { RETR: '425 Cannot open data connection.' }),
        at('RETR 150, data closed, 426 (mid-transfer)', {
          RETR: { cutAfter: 0, cut: 'close', then: '426 Connection closed; transfer aborted.' },
        }),
        at('RETR 421', { RETR: { reply: '421 Closing.', after: 'close' } }),
        {
          label: 'closed port',
          target: forwardUrl(ctx, undefined, '/pub/f.bin')?.replace(
            `:${ftp.origin.port}/`,
            `:${closedPort}/`,
          ),
          script: {},
          // RFC 9112 §3.2.2: Host agrees with the absolute-form's authority.
          host: `127.0.0.1:${closedPort}`,
        },
      ])
      ctx.note(ftp.origin.transcript())
      const failed = unframedOrSuccess(exchanges)
      if (failed !== undefined) return failed
      const notFound = exchanges.filter(
        (e) => e.label.includes('550') && messageOf(e)?.head.status !== 404,
      )
      if (notFound.length > 0)
        return violates(
          '404 for a 550 (RFC 9110 §15.5.5: the file is not there)',
          notFound.map((e) => `${e.label.split(':')[0] ?? ''} → ${summary(e)}`).join('; '),
          'SHOULD',
        )
      return conforms(`codes (INFO): ${table(exchanges)}`)
    },
  }),
]
