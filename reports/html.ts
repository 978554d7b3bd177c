import { createHash } from 'node:crypto'
import { visibleText } from './bytes.js'

/** Escapes text for element content and quoted attribute values; control characters are made visible. */
export function esc(text: string): string {
  return visibleText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** A value safe as an id or a class name: the case id and role folded to [a-z0-9-]. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/** An outbound link that leaks no referrer and never replaces the report. */
export function link(text: string, url: string): string {
  const safe = /^https?:\/\//.test(url) ? url : '#'
  return `<a href="${esc(safe)}" rel="noopener noreferrer" target="_blank">${esc(text)}</a>`
}

// bytes.ts writes CR, LF and other bytes as escapes; here they get a class so
// the page can dim line ends and flag the rest. A doubled backslash is matched
// first so "\\x41" (a literal backslash, then "x41") is never taken for an escape.
const MARKERS = /\\\\|\\x[0-9a-f]{2}|\\r|\\n/g

/** Printable wire text (from bytes.ts) as HTML, with CR/LF and \xNN escapes styled. */
export function bytesHtml(printable: string): string {
  const escaped = printable.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  return escaped.replace(MARKERS, (marker) => {
    if (marker === '\\\\') return marker
    return `<span class="${marker.startsWith('\\x') ? 'np' : 'eol'}">${marker}</span>`
  })
}

/** A CSP source pinning one inline style or script by its hash. */
const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

/**
 * The head of a self-contained page (the HTML report, the matrix site's
 * pages): doctype to </head>, the inline style and script pinned by a CSP so
 * the page loads nothing from anywhere.
 */
export function pageHead(options: {
  readonly title: string
  readonly css: string
  readonly script?: string
}): string[] {
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(options.css)}`,
    ...(options.script === undefined ? [] : [`script-src ${sha256(options.script)}`]),
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(options.title)}</title>`,
    // An empty data: icon, so the browser does not go looking for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<style>${options.css}</style>`,
    '</head>',
  ]
}
