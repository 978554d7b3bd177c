import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { HOSTILE_LINES, listingBytes, type VerbHandler } from '../../harness/ftp/index.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { ftpOf } from './ftp.js'
import { described, field, messageOf, oneRequest } from './one-request.js'

/** The entries /pub lists in this case (RFC 1738 §3.2.2 reserved characters in names), and their bytes in the fixture. */
const FILES: Readonly<Record<string, string>> = {
  'a b.txt': 'a b\n',
  'c#d.txt': 'c#d\n',
  'e?f.txt': 'e?f\n',
  'g%h.txt': 'g%h\n',
  'i;type=d': 'i;type=d\n',
}
const SUBDIR = 'sub'
const SUB_ENTRY = 'in-sub.txt'

const PUB_LISTING = listingBytes([
  ...Object.entries(FILES).map(([name, text]) => HOSTILE_LINES.file(name, text.length)),
  HOSTILE_LINES.dir(SUBDIR),
])

/** LIST/NLST of /pub answers with the entries above; other directories as the fixture has them. */
const listPub =
  (namesOnly: boolean): VerbHandler =>
  (c) => {
    const arg = c.arg
      .split(' ')
      .filter((part) => !part.startsWith('-'))
      .join(' ')
    const dir = arg === '' ? c.cwd : arg.startsWith('/') ? arg : `${c.cwd}/${arg}`
    const path = dir.replace(/\/+$/, '')
    // pub/sub is empty in the fixture; an empty listing crashed squid 5.7 now and then
    // (assertion FwdState.cc:300 "EX"), which is not what this row is about: give it an entry.
    if (path === `/pub/${SUBDIR}`)
      return { data: listingBytes([namesOnly ? SUB_ENTRY : HOSTILE_LINES.file(SUB_ENTRY, 3)]) }
    if (path !== '/pub') return undefined
    return {
      data: namesOnly ? listingBytes([...Object.keys(FILES), SUBDIR]) : PUB_LISTING,
    }
  }

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  apos: "'",
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_m, name: string) => ENTITIES[name] ?? '')
}

/** Every `<a href="…">text</a>` of a page: href and text HTML-unescaped, tags in the text dropped. */
function links(html: string): { href: string; text: string }[] {
  const out: { href: string; text: string }[] = []
  for (const m of html.matchAll(
    /<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a>/gi,
  )) {
    out.push({
      href: unescapeHtml(m[1] ?? m[2] ?? m[3] ?? ''),
      text: unescapeHtml((m[4] ?? '').replace(/<[^>]*>/g, '')).trim(),
    })
  }
  return out
}

// RFC 3986 §2, §4.1: characters a URI reference may carry as they are (everything else is percent-encoded).
const URI_REFERENCE = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/

/** The request-target that fetches `href` resolved against the page (RFC 3986 §5), in the mode's form. */
function followTarget(ctx: CaseContext, page: string, href: string): string | undefined {
  const ftp = ftpOf(ctx)
  const base = ftp.mode === 'forward' ? page : `http://${ftp.host}${page}`
  let url: URL
  try {
    url = new URL(href, base)
  } catch {
    return undefined
  }
  url.hash = ''
  return ftp.mode === 'forward' ? url.href : `${url.pathname}${url.search}`
}

export const listingLinkCases = [
  // Grades catalog row FTP-18 (Semantic, INFO/WARN): RFC 1738 §3.2.2 says a
  // last segment that is a directory is listed (and `;type=d` asks for a
  // listing), and RFC 3986 §5 resolves each link of the page against its URL,
  // so each link must name its entry: space, "#", "?", "%" and ";" in a name
  // are percent-encoded (RFC 3986 §2.1; RFC 1738 §3.2.2 "/" and ";" inside a
  // segment are encoded), or the link fetches another resource. A link that is
  // not a valid URI reference (a raw space) counts as broken: RFC 3986 gives it
  // no meaning, a browser's repair is not the gateway's answer. WARN per
  // broken link, per path that does not list; INFO the listing format.
  defineCase({
    id: 'listing-links-fetch-their-entries',
    title: 'A directory lists, and every link of the listing fetches its entry through the gateway',
    requirements: ['FTP-18'],
    spec: [
      { rfc: 1738, section: '3.2.2' },
      { rfc: 3986, section: '5' },
      { rfc: 959, section: '4.1.3' },
    ],
    requirement:
      'a trailing slash, or a name that RETR refuses but CWD accepts, is listed; each link of the listing, resolved against the page, fetches that entry',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    timeoutMs: 8000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      ftp.origin.script({ LIST: listPub(false), NLST: listPub(true) })
      const broken: string[] = []
      const notes: string[] = []
      // pub/d: RETR d → 550, CWD d → 250. pub/d/: a trailing slash.
      for (const path of ['/pub/d', '/pub/d/']) {
        const target = ftp.requestTarget(path)
        if (target === undefined) continue
        const got = await oneRequest(ctx, { target })
        const m = messageOf(got)
        const listed =
          m?.head.status === 200 &&
          /text\/html/i.test(field(m, 'Content-Type') ?? '') &&
          m.body.includes('inside.txt')
        notes.push(`${path}: ${described(got)}${listed ? ', a listing naming inside.txt' : ''}`)
        if (!listed) broken.push(`${path} is not listed (${described(got)})`)
      }
      const page = ftp.requestTarget('/pub/') ?? ''
      const listing = await oneRequest(ctx, { target: page })
      const lm = messageOf(listing)
      if (lm?.head.status !== 200) {
        ctx.note(ftp.origin.transcript())
        return violates('a listing of /pub/', described(listing), 'SHOULD')
      }
      const html = lm.body.toString('utf-8')
      const found = links(html)
      notes.push(
        `listing of /pub/: ${field(lm, 'Content-Type') ?? 'no Content-Type'}, ${found.length} links`,
      )
      for (const [name, text] of [...Object.entries(FILES), [SUBDIR, undefined] as const]) {
        const link = found.find((l) => l.text.replace(/\/$/, '') === name)
        if (link === undefined) {
          broken.push(`no link named "${name}"`)
          continue
        }
        if (!URI_REFERENCE.test(link.href)) {
          broken.push(`"${name}": href "${link.href}" is not a valid URI reference (RFC 3986 §4.1)`)
          continue
        }
        const target = followTarget(ctx, page, link.href)
        if (target === undefined) {
          broken.push(`"${name}": href "${link.href}" does not resolve`)
          continue
        }
        const got = await oneRequest(ctx, { target })
        const m = messageOf(got)
        const ok =
          m?.head.status === 200 &&
          m.complete &&
          (text === undefined
            ? /text\/html/i.test(field(m, 'Content-Type') ?? '')
            : m.body.toString('latin1').replace(/\r\n/g, '\n') === text)
        notes.push(`"${name}": href "${link.href}" → ${target} → ${described(got)}`)
        if (!ok) broken.push(`"${name}": href "${link.href}" fetched ${target}: ${described(got)}`)
      }
      ctx.note(notes.join('\n'))
      if (broken.length > 0) {
        ctx.note(ftp.origin.transcript())
        return violates('every link of the listing fetches its entry', broken.join('; '), 'SHOULD')
      }
      return conforms()
    },
  }),
]
