/**
 * Where a marker sits in an HTML page, as a browser's tokenizer would see it
 * (a reduced WHATWG HTML tokenizer: text, comments, tags with quoted and
 * unquoted attribute values, raw-text and RCDATA elements). A marker is LIVE
 * when it lands inside a tag (an attribute name, an unquoted value, or the
 * value of an `on…` handler) or in the raw text of a `<script>`: then the
 * server's markup became the page's markup (FTP-05). Escaped text, a quoted
 * ordinary attribute value, a comment, `<title>`/`<textarea>` text are inert.
 */

/** How one character of the page is parsed. */
type Place = 'text' | 'tag' | 'value' | 'script' | 'inert'

const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes'])
const RCDATA = new Set(['title', 'textarea'])

/** The place of every character of `html`. */
export function places(html: string): Place[] {
  const at: Place[] = new Array<Place>(html.length).fill('text')
  const mark = (from: number, to: number, place: Place): void => {
    for (let k = from; k < Math.min(to, html.length); k += 1) at[k] = place
  }
  let i = 0
  while (i < html.length) {
    if (html[i] !== '<') {
      i += 1
      continue
    }
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4)
      const stop = end === -1 ? html.length : end + 3
      mark(i, stop, 'inert')
      i = stop
      continue
    }
    const next = html[i + 1] ?? ''
    if (next === '!' || next === '?') {
      const end = html.indexOf('>', i)
      const stop = end === -1 ? html.length : end + 1
      mark(i, stop, 'inert')
      i = stop
      continue
    }
    const closing = next === '/'
    const nameStart = closing ? i + 2 : i + 1
    if (!/[A-Za-z]/.test(html[nameStart] ?? '')) {
      i += 1
      continue
    }
    // A tag: its name, then attributes until ">".
    let j = nameStart
    while (j < html.length && !/[\s/>]/.test(html[j] ?? '')) j += 1
    const name = html.slice(nameStart, j).toLowerCase()
    mark(i, j, 'tag')
    for (;;) {
      const start = j
      while (j < html.length && /[\s/]/.test(html[j] ?? '')) j += 1
      mark(start, j, 'tag')
      if (j >= html.length) break
      if (html[j] === '>') {
        mark(j, j + 1, 'tag')
        j += 1
        break
      }
      const attrStart = j
      j += 1
      while (j < html.length && !/[\s/>=]/.test(html[j] ?? '')) j += 1
      const attr = html.slice(attrStart, j).toLowerCase()
      mark(attrStart, j, 'tag')
      let k = j
      while (k < html.length && /\s/.test(html[k] ?? '')) k += 1
      if (html[k] !== '=') continue
      k += 1
      while (k < html.length && /\s/.test(html[k] ?? '')) k += 1
      mark(j, k, 'tag')
      const quote = html[k]
      const handler = attr.startsWith('on')
      if (quote === '"' || quote === "'") {
        const end = html.indexOf(quote, k + 1)
        const stop = end === -1 ? html.length : end
        mark(k, k + 1, 'tag')
        mark(k + 1, stop, handler ? 'tag' : 'value')
        mark(stop, stop + 1, 'tag')
        j = stop + 1
      } else {
        let stop = k
        while (stop < html.length && !/[\s>]/.test(html[stop] ?? '')) stop += 1
        mark(k, stop, 'tag')
        j = stop
      }
    }
    i = j
    if (closing || (!RAW_TEXT.has(name) && !RCDATA.has(name))) continue
    // Raw text (script…) or RCDATA (title, textarea) up to the matching end tag.
    const rest = html.slice(i).toLowerCase()
    const end = rest.indexOf(`</${name}`)
    const stop = end === -1 ? html.length : i + end
    mark(i, stop, name === 'script' ? 'script' : 'inert')
    i = stop
  }
  return at
}

/** A marker found live, and the page text around it. */
export interface LiveMarker {
  readonly marker: string
  readonly where: 'in a tag' | 'in a script'
  readonly context: string
}

/** Every live occurrence of each marker in `html` (see the file header). */
export function liveMarkers(html: string, markers: readonly string[]): LiveMarker[] {
  const at = places(html)
  const found: LiveMarker[] = []
  for (const marker of markers) {
    for (let i = html.indexOf(marker); i !== -1; i = html.indexOf(marker, i + 1)) {
      const place = at[i]
      if (place !== 'tag' && place !== 'script') continue
      found.push({
        marker,
        where: place === 'tag' ? 'in a tag' : 'in a script',
        context: html.slice(Math.max(0, i - 60), i + marker.length + 20).replace(/\s+/g, ' '),
      })
    }
  }
  return found
}

/** Whether a Content-Type is rendered as markup by a browser (or is absent, so it is sniffed). */
export function rendersAsMarkup(contentType: string | undefined): boolean {
  if (contentType === undefined) return true
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  return type === 'text/html' || type.endsWith('+xml') || type.endsWith('/xml') || type === ''
}

/**
 * Where the page declares its charset (RFC 9110 §8.3.2: the charset
 * parameter; HTML's `<meta charset>` in the first 1024 bytes also counts), or
 * undefined when it does not.
 */
export function declaredCharset(contentType: string | undefined, body: Buffer): string | undefined {
  const param = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]
  if (param !== undefined) return `Content-Type charset=${param}`
  const head = body.subarray(0, 1024).toString('latin1')
  const meta = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)/i.exec(head)?.[1]
  return meta === undefined ? undefined : `<meta> charset=${meta}`
}
