/**
 * FTP-07: a hostile or broken FTP server's replies and listings (catalog
 * corpus: bogus 229/227, garbage SIZE and MDTM, a multi-line reply that never
 * ends, huge listing lines, a nameless last line, NUL in names, a LIST that
 * never ends) end in a framed 502 or a best-effort page within the gateway's
 * timeout: never a crash, a hang, or bytes that did not come from the FTP
 * server (the Squidbleed class, CVE-2026-47729, CVE-2019-12528; Apache
 * CVE-2009-3094; catalog [F12]–[F14]). RFC 9110 §15.6.3: a gateway that
 * received an invalid response answers 502. The catalog grades the row
 * "Semantic (treat as MUST: a crash or memory disclosure can FAIL)".
 *
 * Before each FTP request, five HTTP requests through the same gateway to the
 * run's HTTP origin carry a 3 KiB `X-Canary: CANARY-<random>` (forward mode:
 * the gateway is a forward proxy, so `GET http://{origin}/…` is its ordinary
 * work), so that recycled buffers hold it; no FTP-derived response may.
 */
import { randomBytes } from 'node:crypto'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import {
  HOSTILE_LINES,
  T_TXT,
  listingBytes,
  seededBytes,
  type FtpScript,
} from '../../harness/ftp/index.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { fetchThrough, fieldOf, messageOf, summary, type Exchange } from './exchange.js'
import { ftpOf } from './ftp.js'

/** One corpus entry: what FO does, and the path asked for. */
interface Hostile {
  readonly label: string
  readonly path: string
  readonly script: FtpScript
  /** The file's bytes, when a whole 2xx must carry exactly them. */
  readonly file?: Buffer
  /** Text of an earlier request's FTP data this response must not hold (an over-read). */
  readonly forbidden?: string
  /**
   * A listing larger than any page should be (data keeps flowing, so no
   * inactivity timeout runs out): a page still streaming at the bound is a
   * best-effort page; no answer at all by then only warns (no sentence
   * bounds how long a gateway may read a flowing listing).
   */
  readonly flowing?: boolean
}

/** pub/k.bin of the fixture tree (1 KiB, seeded). */
const K_BIN = seededBytes(2, 0, 1024)

const CANARY = 'CANARY-'

/**
 * Five requests through the gateway to the HTTP origin, each with a 3 KiB
 * canary header, on one connection (forward mode only). Returns how many
 * were answered, for the evidence.
 */
async function plantCanaries(ctx: CaseContext): Promise<number> {
  if (ftpOf(ctx).mode !== 'forward') return 0
  const value = `${CANARY}${randomBytes(8).toString('hex')}-`.padEnd(3072, 'C')
  const client = await ctx.connect()
  let answered = 0
  try {
    for (let i = 0; i < 5; i += 1) {
      await client.write(
        requestBytes({
          method: 'GET',
          target: `http://${ctx.origin.authority}${ctx.path(`canary${i}`)}`,
          version: 'HTTP/1.1',
          headers: [
            ['Host', ctx.origin.authority],
            ['X-Canary', value],
            ...(i === 4 ? ([['Connection', 'close']] as const) : []),
          ],
        }),
      )
      const read = await client.readResponse({ timeoutMs: Math.min(2000, ctx.remainingMs()) })
      if (read.kind !== 'response') break
      answered += 1
    }
  } finally {
    client.destroy()
  }
  return answered
}

/**
 * Runs the corpus and grades each answer: a whole response (any status: a
 * 502 or a best-effort page), or a started page left incomplete (a close,
 * which the client can tell from a whole one), within {ftp_timeout}+5 s;
 * never a close without a response (a crashed worker), a malformed response,
 * a wait past the bound, a canary, or `foreign` (bytes of a listener that is
 * not FO). Then a plain GET of pub/t.txt must still work (the gateway lives).
 */
async function survive(
  ctx: CaseContext,
  corpus: readonly Hostile[],
  foreign?: string,
): Promise<Outcome> {
  try {
    return await surviveAll(ctx, corpus, foreign)
  } finally {
    const { origin } = ftpOf(ctx)
    ctx.note(origin.transcript())
    const open = origin.dataConnections.filter((d) => d.closedAt === undefined)
    for (const d of open) ctx.note(`data ${d.id} still open: FO sent ${d.sent} bytes on it`)
  }
}

async function surviveAll(
  ctx: CaseContext,
  corpus: readonly Hostile[],
  foreign: string | undefined,
): Promise<Outcome> {
  const ftp = ftpOf(ctx)
  const boundMs = (ftp.timeoutS + 5) * 1000
  let canaries = 0
  const lines: string[] = []
  const warnings: Outcome[] = []
  for (const item of corpus) {
    canaries += await plantCanaries(ctx)
    ftp.origin.script(item.script)
    const target = ftp.requestTarget(item.path) ?? ''
    const exchange: Exchange = await fetchThrough(ctx, `${item.label}: GET ${target}`, target, {
      withinMs: boundMs,
    })
    const line = `${exchange.label} → ${summary(exchange)} in ${exchange.ms} ms`
    lines.push(line)
    ctx.note(line)
    const text = exchange.bytes.toString('latin1')
    if (text.includes(CANARY))
      return violates(
        `no byte of other requests in the response to ${item.label}`,
        `"${CANARY}…" (the canary header of an earlier HTTP request) in the response`,
      )
    if (item.forbidden !== undefined && text.includes(item.forbidden))
      return violates(
        `only this request's FTP data in the response to ${item.label}`,
        `"${item.forbidden}" from an earlier request's listing (an over-read of a stale buffer)`,
      )
    if (foreign !== undefined && text.includes(foreign))
      return violates(
        `only bytes from the FTP server in the response to ${item.label}`,
        `"${foreign.trim()}" from a listener the FTP server did not name`,
      )
    const { read } = exchange
    if (read.kind === 'timeout') {
      const atBound = exchange.ms >= boundMs - 200
      const started = read.partial.subarray(0, 5).toString('latin1') === 'HTTP/'
      if (atBound && item.flowing === true && started) {
        ctx.note(
          `  a page still streaming at the bound (${read.partial.length} bytes): best-effort`,
        )
        continue
      }
      if (atBound && item.flowing === true) {
        warnings.push(
          violates(
            `an answer (a page, or a 5xx) to ${item.label} within {ftp_timeout}+5 s (${boundMs} ms)`,
            `${summary(exchange)}: the gateway was still reading the listing`,
            'SHOULD',
          ),
        )
        continue
      }
      return atBound
        ? violates(
            `an answer to ${item.label} within {ftp_timeout}+5 s (${boundMs} ms)`,
            summary(exchange),
          )
        : violates(
            `an answer to ${item.label}`,
            `none before the case deadline (${exchange.ms} ms)`,
          )
    }
    if (read.kind === 'closed')
      return violates(
        `a framed 502 or a best-effort page for ${item.label}`,
        `the connection closed with no response (${read.how}), as when the gateway crashes`,
      )
    if (read.kind === 'malformed')
      return violates(`a framed response to ${item.label}`, summary(exchange))
    const message = messageOf(exchange)
    // RFC 9110 §8.6: Content-Length = 1*DIGIT; anything else leaves the message unframed.
    const length = message === undefined ? undefined : fieldOf(message, 'content-length')
    if (length !== undefined && !/^\d+$/.test(length.trim()))
      return violates(`a framed response to ${item.label}`, `Content-Length: ${length}`)
    // RFC 3659 §4 gives SIZE's syntax; framing the file by a prefix of an
    // invalid size delivers a truncated file as whole. The catalog's FTP-07
    // verdict fails only crashes, hangs and foreign bytes: this part warns.
    if (
      item.file !== undefined &&
      message?.complete === true &&
      message.head.status < 300 &&
      !message.body.equals(item.file)
    )
      warnings.push(
        violates(
          `the ${item.file.length} bytes of ${item.path}, or an error, for ${item.label}`,
          `a complete ${message.head.status} of ${message.body.length} other bytes`,
          'SHOULD',
        ),
      )
    if (message !== undefined && !message.complete && message.head.status < 400)
      ctx.note('  a best-effort page left incomplete, then closed: accepted')
    if (message !== undefined && !message.complete && message.head.status >= 400)
      return violates(
        `a framed ${message.head.status} for ${item.label}`,
        `the error response closed after ${message.body.length} bytes of body, short of its framing`,
      )
  }
  ctx.note(`canary requests answered by the HTTP origin: ${canaries}`)
  ftp.origin.script({})
  const alive = ftp.requestTarget('/pub/t.txt;type=a') ?? ''
  const after = await fetchThrough(ctx, `afterwards: GET ${alive}`, alive, { withinMs: boundMs })
  ctx.note(`${after.label} → ${summary(after)}`)
  const message = messageOf(after)
  if (message?.head.status !== 200 || !message.complete)
    return violates('the gateway still serves pub/t.txt after the hostile replies', summary(after))
  const want = T_TXT.replace(/\n/g, '\r\n')
  if (!message.body.equals(Buffer.from(want)) && !message.body.equals(Buffer.from(T_TXT)))
    return violates('pub/t.txt after the hostile replies', `${message.body.length} other bytes`)
  return warnings[0] ?? conforms(lines.join('; '))
}

/** A 2 KiB-wide FO reply of continuation lines, `total` bytes, never followed by its last line. */
function endlessMultiline(code: number, total: number): Buffer {
  const line = `${code}-${'x'.repeat(120)}\r\n`
  return Buffer.from(line.repeat(Math.ceil(total / line.length)), 'latin1')
}

/** A multi-line reply of about `total` bytes that does end. */
function longMultiline(code: number, total: number, last: string): string {
  const line = `${code}-${'y'.repeat(120)}`
  return [...Array<string>(Math.ceil(total / 124)).fill(line), `${code} ${last}`].join('\n')
}

/** A LIST (and NLST) answered with `data`, the data connection then left open when `stallAtEnd`. */
function listed(label: string, data: Buffer, stallAtEnd = false): Hostile {
  const transfer = stallAtEnd ? { data, cutAfter: data.length, cut: 'stall' as const } : { data }
  return { label: `LIST ${label}`, path: '/pub/', script: { LIST: transfer, NLST: transfer } }
}

export const malformedCases = [
  // Grades catalog row FTP-07 for passive replies (RFC 2428 §3: 229 is
  // "(<d><d><d><port><d>)" with a TCP port; RFC 959 §4.1.2: 227 names six
  // 8-bit fields): a port 0 or 70000, no parentheses, a field above 255,
  // negative, or missing. The field-above-255 reply names, low bytes kept,
  // a listener on 127.0.0.1 that is not FO's: a parser that wraps the field
  // relays that listener's banner.
  defineCase({
    id: 'malformed-passive-replies-end-cleanly',
    title: 'Bogus 229 and 227 replies end in a fallback, a 502 or a page, nothing foreign',
    requirements: ['FTP-07'],
    spec: [
      { rfc: 2428, section: '3' },
      { rfc: 959, section: '4.1.2' },
      { rfc: 9110, section: '15.6.3' },
    ],
    requirement:
      'a malformed 229 or 227 ends in a framed 502 (or a working fallback) within the timeout, never a crash, a hang, or bytes that did not come from the FTP server',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 8000,
    async run(ctx) {
      const stranger = await ctx.startTcp('banner')
      const hi = Math.floor(stranger.port / 256)
      const lo = stranger.port % 256
      // FO plays along once a data connection exists anywhere: 150, then 226.
      const playAlong = [
        { reply: '150 Opening data connection' },
        { reply: '226 Transfer complete', delayMs: 300 },
      ]
      const epsv = (reply: string): Hostile => ({
        label: `EPSV ${reply}`,
        path: '/pub/k.bin',
        script: { EPSV: reply },
        file: K_BIN,
      })
      const pasv = (fields: string): Hostile => ({
        label: `EPSV 500, PASV (${fields})`,
        path: '/pub/k.bin',
        script: { EPSV: '500 no EPSV', PASV: `227 Entering Passive Mode (${fields})` },
        file: K_BIN,
      })
      return survive(
        ctx,
        [
          epsv('229 Entering Extended Passive Mode (!!!0!)'),
          epsv('229 Entering Extended Passive Mode (!!!70000!)'),
          epsv('229 Entering Extended Passive Mode |||1234|'),
          pasv('127,0,0,1,-4,10'),
          pasv('127,0,0,1,4'),
          {
            label: `EPSV 500, PASV (127,0,0,1,${hi + 256},${lo}) then 150/226`,
            path: '/pub/k.bin',
            script: {
              EPSV: '500 no EPSV',
              PASV: `227 Entering Passive Mode (127,0,0,1,${hi + 256},${lo})`,
              RETR: playAlong,
              LIST: playAlong,
            },
          },
        ],
        'proxyspec-banner',
      )
    },
  }),

  // Grades catalog row FTP-07 for SIZE and MDTM (RFC 3659 §4: SIZE is
  // "213 <decimal digits>"; §2.3, §3: MDTM is a 14-digit time-val): -1, a
  // 23-digit number, 12abc, and "213 2020" end in a framed response.
  defineCase({
    id: 'garbage-size-and-mdtm-replies-end-cleanly',
    title: 'Garbage SIZE and MDTM replies never become a broken response',
    requirements: ['FTP-07'],
    spec: [
      { rfc: 3659, section: '4' },
      { rfc: 3659, section: '3' },
      { rfc: 9110, section: '15.6.3' },
    ],
    requirement:
      'a SIZE or MDTM reply that is not the RFC 3659 syntax ends in a framed response (the file, or 502), never a malformed head, a crash or a hang',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 8000,
    async run(ctx) {
      const size = (reply: string): Hostile => ({
        label: `SIZE ${reply}`,
        path: '/pub/k.bin',
        script: { SIZE: reply },
        file: K_BIN,
      })
      return survive(ctx, [
        size('213 -1'),
        size('213 99999999999999999999999'),
        size('213 12abc'),
        { label: 'MDTM 213 2020', path: '/pub/k.bin', script: { MDTM: '213 2020' }, file: K_BIN },
      ])
    },
  }),

  // Grades catalog row FTP-07 for oversized replies (RFC 959 §4.2: a
  // multi-line reply ends with the line that repeats the code and a space):
  // 1 MiB of 220- continuation lines that never end, and a 32 KiB multi-line
  // 550 that does (quoted in an error page, it must not break the page).
  defineCase({
    id: 'oversized-replies-end-cleanly',
    title: 'An endless 1 MiB greeting and a 32 KiB error reply end in a framed response',
    requirements: ['FTP-07'],
    spec: [
      { rfc: 959, section: '4.2' },
      { rfc: 9110, section: '15.6.3' },
    ],
    requirement:
      'a multi-line reply that never ends, or one far larger than usual, ends in a framed 502 or page within {ftp_timeout}+5 s, never a crash or a hang',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 14_000,
    async run(ctx) {
      return survive(ctx, [
        {
          label: 'greeting: 1 MiB of 220- lines, no last line',
          path: '/pub/k.bin',
          script: { greeting: { raw: endlessMultiline(220, 1 << 20), after: 'stall' } },
        },
        {
          label: 'RETR: a 32 KiB multi-line 550',
          path: '/pub/k.bin',
          script: { RETR: longMultiline(550, 32 * 1024, 'No such file.') },
        },
      ])
    },
  }),

  // Grades catalog row FTP-07 for listings (RFC 959 §4.1.3: LIST output is
  // free text): a 64 KiB line (its name a repeated marker), NUL bytes in
  // names, and a last line with no name and no newline, each a page or a
  // framed 5xx within {ftp_timeout}+5 s. The marker of the first listing
  // must not show up in the later ones: the nameless line is where a parser
  // that reads past the end of its line (Squidbleed, CVE-2026-47729) shows
  // stale bytes.
  defineCase({
    id: 'hostile-listings-end-cleanly',
    title: 'Huge, nameless and NUL-laden listing lines end in a page or a 502',
    requirements: ['FTP-07'],
    spec: [
      { rfc: 959, section: '4.1.3' },
      { rfc: 9110, section: '15.6.3' },
    ],
    requirement:
      'a hostile listing ends in a best-effort page or a framed 5xx within {ftp_timeout}+5 s, never a crash, a hang, or bytes from elsewhere',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 14_000,
    async run(ctx) {
      const stale = `leak${randomBytes(4).toString('hex')}.`
      const huge = HOSTILE_LINES.file(stale.repeat(Math.ceil((64 * 1024) / stale.length)))
      return survive(ctx, [
        listed('a 64 KiB line', listingBytes([huge, HOSTILE_LINES.file('ok.txt')])),
        {
          ...listed(
            'a last line with no name and no newline',
            listingBytes([HOSTILE_LINES.file('a.txt'), HOSTILE_LINES.noName()], true),
          ),
          forbidden: stale,
        },
        {
          ...listed(
            'names with NUL',
            listingBytes([HOSTILE_LINES.file('a\x00b.txt'), HOSTILE_LINES.dir('\x00')]),
          ),
          forbidden: stale,
        },
      ])
    },
  }),

  // Grades catalog row FTP-07's "a LIST that never ends" (RFC 959 §3.4.1:
  // a transfer ends when the data connection closes, which here it never
  // does). Three lines, then silence on the open data connection: the
  // gateway's own timeout must end it within {ftp_timeout}+5 s (a framed
  // 5xx, or an incomplete page), else it hangs (FAIL). 20 MiB of lines, then
  // silence: while data flows no inactivity timeout runs, so a page still
  // streaming at the bound is a best-effort page, and no answer at all by
  // then only warns (no sentence caps how long a gateway may read).
  defineCase({
    id: 'endless-listings-end-cleanly',
    title: 'A listing whose data connection never closes ends within the timeout',
    requirements: ['FTP-07'],
    spec: [
      { rfc: 959, section: '3.4.1' },
      { rfc: 9110, section: '15.6.3' },
    ],
    requirement:
      'a LIST that never ends is cut off within {ftp_timeout}+5 s: a framed 5xx or an incomplete page, never a hang',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 26_000,
    async run(ctx) {
      const line = `${HOSTILE_LINES.file('endless.txt')}\r\n`
      const endless = Buffer.from(line.repeat(Math.ceil((20 << 20) / line.length)), 'latin1')
      const few = listingBytes(['a.txt', 'b.txt', 'c.txt'].map((n) => HOSTILE_LINES.file(n)))
      return survive(ctx, [
        { ...listed('20 MiB that never ends', endless, true), flowing: true },
        listed('three lines, then silence on an open data connection', few, true),
      ])
    },
  }),
]
