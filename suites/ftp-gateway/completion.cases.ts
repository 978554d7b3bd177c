// FTP-03: a closed data connection is not proof of a whole file.
//
// RFC 959 §3.3 and §3.4.1: in stream mode the server ends a file by closing
// the data connection, so a premature close looks the same; §5.4: the
// transfer's outcome is the reply that follows, 226/250 or 425/426/451. The
// gateway, as origin of the HTTP response (RFC 9110 §3.7), therefore
// completes the message (the last-chunk, RFC 9112 §7.1, or the full
// Content-Length, §6.3) only after a positive completion reply, and leaves it
// incomplete and closes the connection (RFC 9112 §8: the client then knows it
// is incomplete) after a 426, a control close or a data reset. RFC 9111 §3.3:
// an incomplete response is not stored as complete, so the same GET again
// reaches the FTP origin. FO sends 1000 of 5000 bytes in each failure.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import type { FtpScript, TransferScript } from '../../harness/ftp/index.js'
import { responseOf, statusLine } from '../support/request.js'
import { runVariants } from '../support/variants.js'
import { exchangeUntilClose, ftpGet, responsesIn } from './gateway-exchange.js'
import { ftpOf } from './ftp.js'

const CRLF2 = Buffer.from('\r\n\r\n')
/** What FO sends before each failure. */
const SENT = 1000

/** 5000 octets of text with CRLF line ends (already as TYPE A puts them on the wire). */
const TEXT = Buffer.from(
  Array.from(
    { length: 100 },
    (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(39)}\r\n`,
  ).join(''),
  'latin1',
)

/**
 * SIZE under TYPE A, answered truly for TEXT (already CRLF: 5000 octets on the
 * wire). A 550 here sends mod_proxy_ftp to a directory listing instead of
 * RETR; a gateway that frames by this SIZE is judged by Content-Length.
 */
const ASCII_SIZE = `213 ${TEXT.length}`

/** The three ways a transfer fails after SENT octets (catalog FTP-03 (a)–(c)). */
const FAILURES: readonly (readonly [string, TransferScript])[] = [
  [
    '426 after the data close',
    { cutAfter: SENT, cut: 'close', then: '426 Connection closed; transfer aborted.' },
  ],
  [
    'control connection closed with no reply',
    { cutAfter: SENT, cut: 'close', then: { after: 'close' } },
  ],
  // The RST may reach the gateway as a plain EOF if it has not read the bytes yet: either way, incomplete.
  [
    'data connection reset',
    { cutAfter: SENT, cut: 'rst', then: '426 Connection reset; transfer aborted.' },
  ],
]

/**
 * Whether the client could take a transfer cut after `sent` octets for a
 * whole one. FAIL (the row's FAIL column): a last-chunk, a body framed by a
 * matching Content-Length, or octets past what the FTP server sent (a
 * further response inside the body). Warn: close-delimited (the cut cannot
 * show), or the connection left open.
 */
function judgeTruncated(data: Buffer, how: 'eof' | 'reset' | 'timeout', sent: number): Outcome {
  const head = data.indexOf(CRLF2)
  const message = responsesIn(data, how !== 'timeout')[0]
  if (message === undefined || head === -1)
    return how === 'timeout'
      ? violates('an error status, or a close', 'no response and no close', 'SHOULD')
      : conforms(`closed (${how}) before a response`)
  if (message.head.status >= 300) return conforms(`${statusLine(message)}: the failure reported`)
  const onWire = data.length - head - 4
  const shown = `${statusLine(message)}, ${message.framing}, ${message.body.length} body octets, then ${how}`
  if (message.framing === 'content-length' && onWire > sent)
    return violates(
      `at most the ${sent} octets the FTP server sent, then a close`,
      `${onWire} octets after the head: a further response written inside the cut body (${shown})`,
    )
  if (message.body.length > sent)
    return violates(`at most the ${sent} octets the FTP server sent`, shown)
  if (message.complete && message.framing === 'chunked')
    return violates('no last-chunk after a truncated transfer', `a last-chunk: ${shown}`)
  if (message.complete && message.framing === 'content-length')
    return violates(
      'a body short of its Content-Length after a truncated transfer',
      `a Content-Length matching the cut body: ${shown}`,
    )
  if (message.framing === 'close-delimited')
    return violates(
      'a framing that shows the cut (chunked without last-chunk, or short of Content-Length)',
      `a close-delimited body, which looks whole: ${shown}`,
      'SHOULD',
    )
  if (how === 'timeout')
    return violates(
      'a close after the incomplete body',
      `the connection stayed open: ${shown}`,
      'SHOULD',
    )
  return conforms(shown)
}

/** One failure variant: script RETR, send `request`, judge the bytes; the GET must reach FO (no cache). */
async function truncatedVariant(
  ctx: CaseContext,
  script: FtpScript,
  request: Buffer,
): Promise<Outcome> {
  const { origin } = ftpOf(ctx)
  origin.script(script)
  const retrs = origin.commandsOf('RETR').length
  const from = origin.commands.length
  const { data, how } = await exchangeUntilClose(ctx, request, 2500)
  if (origin.commandsOf('RETR').length === retrs)
    return violates(
      'the GET reaches the FTP origin again (a RETR)',
      `no RETR reached the FTP origin for this GET (${origin.commands.length - from} commands: ${origin.commands
        .slice(from)
        .map((c) => c.verb)
        .join(' ')}): answered from a cache, or never retrieved`,
    )
  return judgeTruncated(data, how, SENT)
}

const SPEC = [
  { rfc: 959, section: '5.4' },
  { rfc: 959, section: '3.3' },
  { rfc: 9112, section: '7.1' },
  { rfc: 9112, section: '8' },
  { rfc: 9111, section: '3.3' },
] as const

export const completionCases = [
  // Grades RFC 959 §5.4 with §3.3 and RFC 9112 §7.1 (the last-chunk ends the
  // message), as the row derives a MUST: `;type=a` has no trustworthy length,
  // so the response is chunked and only the last-chunk says "whole". (a)–(c)
  // must leave it without one; each variant repeats the same GET, which must
  // reach FO again. (d), the positive control: the 226 comes 1 s after the
  // data close, and the last-chunk must not come before it.
  defineCase({
    id: 'truncated-chunked-transfer-never-completed',
    title: 'A transfer cut by 426, a control close or a data reset never gets a last-chunk',
    requirements: ['FTP-03'],
    spec: SPEC,
    requirement:
      'the gateway writes the last-chunk only after 226/250 on the control connection; after 426, a control close or a data reset it leaves the body incomplete and closes, and does not serve it again',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 8000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const target = ftp.requestTarget('/pub/t.txt;type=a') ?? ''
      const failures = FAILURES.map(
        ([name, script]) =>
          [
            name,
            () =>
              truncatedVariant(
                ctx,
                { SIZE: ASCII_SIZE, RETR: { data: TEXT, ...script } },
                ftpGet(ctx, target),
              ),
          ] as const,
      )
      return runVariants(ctx, [
        ...failures,
        ['226 one second after the data close', () => completesAfter226(ctx, target)],
      ])
    },
  }),

  // Grades RFC 959 §5.4 with RFC 9112 §6.3 and §8 for a response framed by
  // Content-Length (SIZE known under TYPE I): after (a)–(c) the body stays
  // short of it and the connection closes. The same GET is pipelined behind
  // the first: a gateway that took the cut body as whole answers it on the
  // same connection, and its octets land inside the short body (FAIL).
  defineCase({
    id: 'truncated-sized-transfer-never-completed',
    title:
      'A transfer framed by Content-Length and cut by 426, a control close or a reset ends short, then closed',
    requirements: ['FTP-03'],
    spec: [...SPEC, { rfc: 9112, section: '6.3' }],
    requirement:
      'after 426, a control close or a data reset the gateway leaves a Content-Length body short and closes the connection, writing no further response on it',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 8000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const target = ftp.requestTarget('/pub/f.bin') ?? ''
      // The same GET twice in one write: persistent, then Connection: close.
      const request = Buffer.concat([ftpGet(ctx, target, []), ftpGet(ctx, target)])
      return runVariants(
        ctx,
        FAILURES.map(
          ([name, script]) =>
            [name, () => truncatedVariant(ctx, { RETR: script }, request)] as const,
        ),
      )
    },
  }),
]

/** (d): the whole text, with the 226 held back 1 s; the response completes only after it. */
async function completesAfter226(ctx: CaseContext, target: string): Promise<Outcome> {
  const { origin } = ftpOf(ctx)
  origin.script({
    SIZE: ASCII_SIZE,
    RETR: { data: TEXT, then: { reply: '226 Transfer complete.', delayMs: 1000 } },
  })
  const replies = origin.replies.length
  const client = await ctx.connect()
  try {
    await client.write(ftpGet(ctx, target))
    const response = responseOf(await client.readResponse(), `the response to GET ${target}`)
    // FO logs a reply before its bytes leave: none logged yet means the response completed first.
    const got226 = origin.replies.slice(replies).some((r) => r.code === '226')
    if (response.head.status !== 200)
      return violates(`200 with the ${TEXT.length} octets`, statusLine(response))
    if (!response.complete || !response.body.equals(TEXT))
      return violates(
        `the whole ${TEXT.length} octets, completed after the 226`,
        `${response.complete ? 'complete' : 'incomplete'}, ${response.body.length} octets${response.body.equals(TEXT) ? '' : ', not the file'}`,
      )
    if (!got226)
      return violates(
        'the response completed only after the 226',
        `${response.framing === 'chunked' ? 'the last-chunk' : 'the whole body'} came before the FTP server sent its 226`,
      )
    return conforms(`${response.framing}, completed after the 226`)
  } finally {
    await client.close()
  }
}
