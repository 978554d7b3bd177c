/**
 * FTP-05: what the FTP server says reaches the client's browser only as text.
 * A gateway that builds an HTML page (a listing, an error page) from listing
 * lines and reply text acts as the origin of that page (RFC 9110 §3.7), and
 * RFC 959 §4.1.3 and §4.2 leave that text entirely to the server: a name or
 * a reply that carries markup must be escaped, or the FTP server scripts the
 * gateway's pages (Apache CVE-2008-2939, CVE-2012-3499; squid writes unparsed
 * and over-long listing lines raw, catalog [F7] [F8]). The catalog grades it
 * "Semantic (treat as MUST; security)"; the charset part (RFC 9110 §8.3.2,
 * the UTF-7 class, CVE-2008-0005) warns.
 */
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { HOSTILE_LINES, listingBytes, type FtpScript } from '../../harness/ftp/index.js'
import { fetchThrough, fieldOf, messageOf, summary, type Exchange } from './exchange.js'
import { ftpOf } from './ftp.js'
import { declaredCharset, liveMarkers, rendersAsMarkup } from './markup.js'

/** The catalog's markers m1–m8 (and m9–m11 for the DOS, EPLF and high-byte lines), spelled so nothing else matches. */
const marker = (n: number): string => `m${n}_pxs`
const MARKERS = Array.from({ length: 11 }, (_, i) => marker(i + 1))

/** The hostile listing of catalog row FTP-05 (`ls -l`, with DOS and EPLF lines and bytes 0x80–0xFF). */
function hostileListing(): Buffer {
  return listingBytes([
    'total 9',
    HOSTILE_LINES.file(`<img src=x onerror=${marker(4)}>.txt`),
    HOSTILE_LINES.dir(`"><script>${marker(5)}</script>`),
    HOSTILE_LINES.symlink('s', `"><svg onload=${marker(6)}>`),
    HOSTILE_LINES.unparseable(`<script>${marker(7)}</script> junk`),
    HOSTILE_LINES.long(2048, `<script>${marker(8)}</script>`),
    HOSTILE_LINES.dos(`<img src=x onerror=${marker(9)}>.dos`),
    HOSTILE_LINES.eplf(`"><svg onload=${marker(10)}>.eplf`),
    HOSTILE_LINES.file(`caf\xe9\x80\xff<b onmouseover=${marker(11)}>.txt`),
  ])
}

/**
 * The hostile server of row FTP-05: markup in the greeting and the 230 and
 * 250 replies (m1), in the PWD reply (m2), in the 550 text (m3), and in the
 * listing (m4–m11). CWD keeps the default handler's answer for nothing: every
 * CWD but one to a missing name is a multi-line 250 (the listing is scripted,
 * so where FO thinks it is does not matter).
 */
function hostileServer(): FtpScript {
  const welcome = `<script>${marker(1)}</script>`
  const refusal = `<img src=x onerror=${marker(3)}>`
  return {
    greeting: `220-${welcome} welcome\n220 ready`,
    PASS: `230-${welcome} logged in\n230 Login successful.`,
    CWD: (c) =>
      c.arg.includes('missing')
        ? `550 ${refusal}`
        : `250-${welcome} changed\n250 Directory successfully changed.`,
    PWD: `257 "/<b>${marker(2)}</b>" is the current directory`,
    RETR: (c) => (c.arg.includes('missing') ? `550-${refusal}\n550 ${refusal}` : undefined),
    SIZE: (c) => (c.arg.includes('missing') ? `550 ${refusal}` : undefined),
    MDTM: (c) => (c.arg.includes('missing') ? `550 ${refusal}` : undefined),
    LIST: { data: hostileListing() },
    NLST: { data: hostileListing() },
  }
}

/**
 * Judges every page: FAIL on a live marker (in a tag, in a script, after a
 * quote that broke an attribute) in a body a browser renders as markup; WARN
 * when an HTML page declares no charset. A request with no page (a close, a
 * timeout) has nothing to judge here: it is noted (other rows grade it).
 */
function judgePages(ctx: CaseContext, exchanges: readonly Exchange[]): Outcome {
  const undeclared: string[] = []
  for (const exchange of exchanges) {
    ctx.note(`${exchange.label} → ${summary(exchange)} (${exchange.ms} ms)`)
    const message = messageOf(exchange)
    if (message === undefined) continue
    const type = fieldOf(message, 'content-type')
    if (!rendersAsMarkup(type)) {
      ctx.note(`  Content-Type ${type ?? ''}: not rendered as markup, markers inert`)
      continue
    }
    const live = liveMarkers(message.body.toString('latin1'), MARKERS)
    if (live.length > 0)
      return violates(
        `every listing name, link target, unparsed line and reply text from the FTP server escaped in the page of ${exchange.label}`,
        live
          .slice(0, 3)
          .map((m) => `${m.marker} live ${m.where}: …${m.context}…`)
          .join('; '),
      )
    if (declaredCharset(type, message.body) === undefined)
      undeclared.push(`${exchange.label} (Content-Type: ${type ?? 'none'})`)
  }
  if (undeclared.length > 0)
    return violates(
      'a charset on every generated HTML page (RFC 9110 §8.3.2)',
      `no charset parameter and no <meta charset>: ${undeclared.join('; ')}`,
      'SHOULD',
    )
  return conforms()
}

export const pageCases = [
  // Grades catalog row FTP-05 (RFC 959 §4.1.3: LIST output is free text for
  // humans, chosen by the server; RFC 9110 §3.7: the gateway is the origin
  // of the page it builds, so its markup is the gateway's): every name, link
  // target, symlink target, unparsable and over-long line (2 KiB), the
  // welcome and 230/250 texts and the PWD reply reach the page as text.
  defineCase({
    id: 'listing-page-escapes-server-text',
    title: 'A directory listing page shows markup from the FTP server as text',
    requirements: ['FTP-05'],
    spec: [
      { rfc: 959, section: '4.1.3' },
      { rfc: 959, section: '4.2' },
      { rfc: 9110, section: '8.3' },
    ],
    requirement:
      'everything in a generated listing page that came from the FTP server (names, link and symlink targets, unparsed and over-long lines, welcome and PWD text) is HTML-escaped; the page declares its charset',
    level: 'MUST',
    roles: ['ftp-gateway'],
    async run(ctx) {
      const ftp = ftpOf(ctx)
      ftp.origin.script(hostileServer())
      const exchanges: Exchange[] = []
      // Both inside {ftp_base}: named in either mode. The wildcard is the
      // CVE-2008-2939 path (Apache lists on a wildcard in the last segment).
      for (const path of ['/pub/', '/pub/*.txt']) {
        const target = ftp.requestTarget(path) ?? ''
        exchanges.push(await fetchThrough(ctx, `GET ${target}`, target))
      }
      ctx.note(ftp.origin.transcript())
      return judgePages(ctx, exchanges)
    },
  }),

  // Grades catalog row FTP-05 for error pages (RFC 959 §4.2: the text of a
  // reply is the server's choice): the 550 text (m3) and a 530 login
  // refusal's text (m1) quoted in an error page are escaped; so is the
  // greeting if the page shows it.
  defineCase({
    id: 'error-page-escapes-reply-text',
    title: 'An error page shows markup from an FTP reply as text',
    requirements: ['FTP-05'],
    spec: [
      { rfc: 959, section: '4.2' },
      { rfc: 9110, section: '8.3' },
    ],
    requirement:
      'reply text quoted in a generated error page (550, 530, the greeting) is HTML-escaped; the page declares its charset',
    level: 'MUST',
    roles: ['ftp-gateway'],
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const exchanges: Exchange[] = []
      ftp.origin.script(hostileServer())
      const missing = ftp.requestTarget('/pub/missing.bin') ?? ''
      exchanges.push(await fetchThrough(ctx, `GET ${missing} (FO: 550)`, missing))
      ftp.origin.script({
        ...hostileServer(),
        PASS: `530-<script>${marker(1)}</script>\n530 Login incorrect.`,
      })
      const refused = ftp.requestTarget('/pub/t.txt') ?? ''
      exchanges.push(await fetchThrough(ctx, `GET ${refused} (FO: 530 to PASS)`, refused))
      ctx.note(ftp.origin.transcript())
      return judgePages(ctx, exchanges)
    },
  }),
]
