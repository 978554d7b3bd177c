/**
 * Pages and parsers of broken HTTP→FTP gateways, for the seeded defects of
 * the ftp-gateway suite (FTP-05, FTP-06, FTP-07): each replaces one step of
 * the reference gateway (harness/reference/ftp-gateway/steps.ts).
 */
import type {
  FtpFailure,
  FtpGatewaySteps,
  PageContext,
  PassiveCommand,
  PassiveOffer,
} from '../../../harness/reference/ftp-gateway/index.js'
import {
  escapeHtml,
  parseListingLine,
  reasonPhrase,
} from '../../../harness/reference/ftp-gateway/pages.js'

function lines(listing: Buffer): Buffer[] {
  return listing
    .toString('latin1')
    .split('\n')
    .map((line) => Buffer.from(line.replace(/\r$/, ''), 'latin1'))
    .filter((line) => line.length > 0)
}

function page(title: string, body: string): Buffer {
  return Buffer.from(
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head>\n<body>${body}</body></html>\n`,
    'latin1',
  )
}

/**
 * squid's listing rendering as the catalog describes it ([F7]): a parsed
 * entry's name is quoted, but a line the parser cannot read, and any line
 * over 1024 characters, is written into the page as it came.
 */
export function rawUnparsedLinesListing(listing: Buffer): Buffer {
  const items = lines(listing).map((line) => {
    const entry = line.length > 1024 ? undefined : parseListingLine(line)
    if (entry === undefined) return `<li>${line.toString('latin1')}</li>`
    const name = entry.name.toString('latin1')
    return `<li><a href="${escapeHtml(encodeURIComponent(name))}">${escapeHtml(name)}</a></li>`
  })
  return page('FTP directory', `<ul>\n${items.join('\n')}\n</ul>`)
}

function replyText(failure: FtpFailure): string {
  return failure.kind === 'reply' ? failure.reply.lines.join('\n') : failure.kind
}

/** An error page that quotes the FTP reply as it came, markup and all. */
export function rawReplyErrorPage(
  answer: { readonly status: number },
  failure: FtpFailure,
): Buffer {
  const heading = `${answer.status} ${reasonPhrase(answer.status)}`
  return page(heading, `<h1>${heading}</h1>\n<pre>${replyText(failure)}</pre>`)
}

/** An error page naming the URL as the client wrote it, userinfo and password included (squid's %U, [F11]). */
export function urlEchoingErrorPage(
  answer: { readonly status: number },
  failure: FtpFailure,
  context: PageContext,
): Buffer {
  const { url } = context
  const shown = `ftp://${url.userinfo === undefined ? '' : `${url.userinfo}@`}${url.authority}/${url.segments.join('/')}`
  const heading = `${answer.status} ${reasonPhrase(answer.status)}`
  return page(
    heading,
    `<h1>${heading}</h1>\n<p>Could not fetch ${escapeHtml(shown)}</p>\n<pre>${escapeHtml(replyText(failure))}</pre>`,
  )
}

/**
 * The reference error page, rendered through a fixed 16 KiB buffer: a longer
 * reply text throws, and the gateway's request handler dies with it (the
 * client's connection is dropped without a response, as a crashed worker's is).
 */
export function fixedBufferErrorPage(reference: FtpGatewaySteps): FtpGatewaySteps['errorPage'] {
  return (answer, failure, context, password) => {
    if (replyText(failure).length > 16 * 1024)
      throw new RangeError('reply text overflows the 16 KiB page buffer')
    return reference.errorPage(answer, failure, context, password)
  }
}

/**
 * A 227 parser that stores each field in an octet (value & 0xFF, as a C
 * parser with unsigned char fields does) instead of refusing a field above
 * 255; EPSV as the reference parses it.
 */
export function wrappingPassiveOffer(reference: FtpGatewaySteps): FtpGatewaySteps['passiveOffer'] {
  return (command: PassiveCommand, reply): PassiveOffer | string => {
    if (command !== 'PASV') return reference.passiveOffer(command, reply)
    const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(reply.lines.join('\n'))
    if (reply.code !== 227 || m === null) return 'a malformed 227 reply'
    const n = m.slice(1).map((v) => Number(v) & 0xff)
    return { command, host: n.slice(0, 4).join('.'), port: (n[4] ?? 0) * 256 + (n[5] ?? 0) }
  }
}

/** One listing buffer for every request, reused without clearing (the Squidbleed shape, catalog [F12]). */
const scratch = Buffer.alloc(256 * 1024)
const NAMELESS = /^[-dl]\S{9}\s+\d+\s+\S+\s+\S+\s+\d+\s+\w{3}\s+\d{1,2}\s+(?:\d{1,2}:\d{2}|\d{4})$/

/**
 * A listing parser that copies each listing into a shared scratch buffer and,
 * for a last line without a name, takes the name from the bytes after the
 * line's end (up to a line end or 200 bytes): stale bytes of an earlier,
 * longer listing, another request's data, end up in the page.
 */
export function overReadingListing(reference: FtpGatewaySteps): FtpGatewaySteps['listingPage'] {
  return (listing, context) => {
    const n = Math.min(listing.length, scratch.length)
    listing.copy(scratch, 0, 0, n)
    const text = listing.toString('latin1').replace(/\r?\n$/, '')
    const last = text.slice(text.lastIndexOf('\n') + 1).replace(/\r$/, '')
    if (!NAMELESS.test(last)) return reference.listingPage(listing, context)
    let end = n
    while (
      end < Math.min(n + 200, scratch.length) &&
      scratch[end] !== 0x0a &&
      scratch[end] !== 0x0d
    )
      end += 1
    const name = scratch.subarray(n, end)
    return reference.listingPage(Buffer.concat([Buffer.from(`${text} `, 'latin1'), name]), context)
  }
}
