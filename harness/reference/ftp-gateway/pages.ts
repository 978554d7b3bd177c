/**
 * The pages the gateway generates itself: a directory listing and an error
 * page. Everything in them that came from the FTP server or the URL is
 * HTML-escaped in text and percent-encoded (then escaped) in attributes, and
 * each page declares its charset (RFC 9110 §8.3; FTP-05). The password never
 * appears (RFC 3986 §3.2.1; FTP-06).
 */
import { displayUrl, encodeSegment } from './ftp-url.js'
import type { FtpFailure, FtpReply, GatewayAnswer, PageContext } from './types.js'

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Text made safe for HTML text and quoted attributes; C0 controls become U+FFFD. */
export function escapeHtml(text: string): string {
  let out = ''
  for (const c of text) {
    const code = c.charCodeAt(0)
    out += ESCAPES[c] ?? ((code < 0x20 && c !== '\t' && c !== '\n') || code === 0x7f ? '\uFFFD' : c)
  }
  return out
}

/** Octets from the server shown as text: UTF-8 where valid (U+FFFD elsewhere), then escaped. */
function shown(octets: Buffer): string {
  return escapeHtml(new TextDecoder('utf-8').decode(octets))
}

/** One entry of a listing: its name (octets), whether it is a directory, and what else the line says. */
export interface ListingEntry {
  readonly name: Buffer
  readonly directory: boolean
  readonly detail: string
}

const UNIX =
  /^([-dlbcps])\S{9,10}\s+\d+\s+\S+(?:\s+\S+)?\s+\d+\s+\w{3}\s+\d{1,2}\s+(?:\d{1,2}:\d{2}|\d{4}) (.+)$/
const DOS = /^\d{2}-\d{2}-\d{2,4}\s+\d{1,2}:\d{2}[AP]M\s+(<DIR>|\d+)\s+(.+)$/
const EPLF = /^\+([^\t]*)\t(.+)$/

/** A listing line parsed as `ls -l`, DOS or EPLF (RFC 959 §4.1.3: LIST is free text), or undefined. */
export function parseListingLine(line: Buffer): ListingEntry | undefined {
  const text = line.toString('latin1')
  const unix = UNIX.exec(text)
  if (unix !== null) {
    let name = unix[2] ?? ''
    let detail = text.slice(0, text.length - name.length).trim()
    if (unix[1] === 'l') {
      const arrow = name.indexOf(' -> ')
      if (arrow > 0) {
        detail += ` → ${name.slice(arrow + 4)}`
        name = name.slice(0, arrow)
      }
    }
    return { name: Buffer.from(name, 'latin1'), directory: unix[1] === 'd', detail }
  }
  const dos = DOS.exec(text)
  if (dos !== null)
    return {
      name: Buffer.from(dos[2] ?? '', 'latin1'),
      directory: dos[1] === '<DIR>',
      detail: text.slice(0, text.length - (dos[2] ?? '').length).trim(),
    }
  const eplf = EPLF.exec(text)
  if (eplf !== null) {
    const facts = (eplf[1] ?? '').split(',')
    return {
      name: Buffer.from(eplf[2] ?? '', 'latin1'),
      directory: facts.includes('/'),
      detail: '',
    }
  }
  return undefined
}

/** The path of the directory a plan lists, re-encoded segment by segment, ending in "/". */
function directoryPath(context: PageContext): string {
  const cwd = context.plan?.cwd ?? []
  return `/${cwd.map((segment) => `${encodeSegment(segment)}/`).join('')}`
}

/**
 * The HTML page for a listing (FTP-05, FTP-18): one link per parsed entry, its
 * href the absolute path of that entry (each name percent-encoded, so space,
 * `#`, `?`, `%`, `;` stay in the name; directories end in "/"), its text
 * escaped; lines it cannot parse shown as escaped text; charset declared.
 */
export function listingPage(listing: Buffer, context: PageContext): Buffer {
  const dir = directoryPath(context)
  const items: string[] = []
  let start = 0
  while (start < listing.length) {
    let end = listing.indexOf(0x0a, start)
    if (end === -1) end = listing.length
    const line = listing.subarray(start, listing[end - 1] === 0x0d ? end - 1 : end)
    start = end + 1
    if (line.length === 0 || /^total \d+$/.test(line.toString('latin1'))) continue
    const entry = parseListingLine(line)
    const name = entry?.name.toString('latin1')
    if (entry === undefined || name === '.' || name === '..') {
      if (entry === undefined) items.push(`<li>${shown(line)}</li>`)
      continue
    }
    const href = `${dir}${encodeSegment(entry.name)}${entry.directory ? '/' : ''}`
    const detail =
      entry.detail === '' ? '' : ` <small>${shown(Buffer.from(entry.detail, 'latin1'))}</small>`
    items.push(
      `<li><a href="${escapeHtml(href)}">${shown(entry.name)}${entry.directory ? '/' : ''}</a>${detail}</li>`,
    )
  }
  const title = escapeHtml(displayUrl(context.url, dir))
  return Buffer.from(
    [
      '<!DOCTYPE html>',
      '<html><head><meta charset="utf-8">',
      `<title>FTP directory ${title}</title></head>`,
      `<body><h1>FTP directory ${title}</h1>`,
      '<ul>',
      ...items,
      '</ul></body></html>',
      '',
    ].join('\n'),
    'utf-8',
  )
}

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  206: 'Partial Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** The reason phrase for a status the gateway writes. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error'
}

/** What went wrong, in words, without the password. */
function failureText(failure: FtpFailure): { what: string; reply: FtpReply | undefined } {
  switch (failure.kind) {
    case 'reply':
      return { what: `the FTP server refused ${failure.command}`, reply: failure.reply }
    case 'timeout':
      return { what: `no answer from the FTP server in time (${failure.during})`, reply: undefined }
    case 'closed':
      return { what: `the FTP connection failed (${failure.during})`, reply: undefined }
    case 'protocol':
      return { what: `the FTP server's answer was unusable: ${failure.detail}`, reply: undefined }
    case 'refused':
      return { what: `the request was refused: ${failure.detail}`, reply: undefined }
    case 'credentials-needed':
      return { what: 'the FTP server asks for a password', reply: undefined }
  }
}

/**
 * The HTML error page (FTP-05, FTP-06): the status, the URL without its
 * password, what failed, and the server's reply text escaped, with any
 * occurrence of the password blanked out.
 */
export function errorPage(
  answer: GatewayAnswer,
  failure: FtpFailure,
  context: PageContext,
  password: Buffer | undefined,
): Buffer {
  const { what, reply } = failureText(failure)
  const secret =
    password === undefined || password.length === 0 ? undefined : password.toString('latin1')
  const redact = (text: string): string =>
    secret === undefined ? text : text.split(secret).join('***')
  const heading = `${answer.status} ${reasonPhrase(answer.status)}`
  const path = `/${context.url.segments.join('/')}`
  const replyText =
    reply === undefined ? '' : `<pre>${escapeHtml(redact(reply.lines.join('\n')))}</pre>`
  return Buffer.from(
    [
      '<!DOCTYPE html>',
      `<html><head><meta charset="utf-8"><title>${heading}</title></head>`,
      `<body><h1>${heading}</h1>`,
      `<p>proxyspec could not fetch ${escapeHtml(displayUrl(context.url, path))}: ${escapeHtml(redact(what))}.</p>`,
      replyText,
      '</body></html>',
      '',
    ].join('\n'),
    'utf-8',
  )
}
