// A case's details in the HTML report, compressed in the page when they are
// large and expanded by the page's script when the case is opened.
import { deflateRawSync, inflateRawSync } from 'node:zlib'

/** Markup larger than this is compressed in the page (a few events stay readable inline). */
export const PACK_ABOVE_CHARS = 2048

/**
 * The body of a case with much evidence (verdict, charts, bytes), deflated and base64'd into a data
 * attribute: the page's script expands it when the case is opened
 * (DecompressionStream, in every current browser). Nothing is dropped: the
 * full report of the 772-case reference run is 3.6 MB instead of 60 (issue 16), and
 * report.json holds the same bytes for a reader without JavaScript.
 */
export function packed(html: string): string {
  if (html.length <= PACK_ABOVE_CHARS) return html
  const z = deflateRawSync(Buffer.from(html, 'utf8'), { level: 9 }).toString('base64')
  const kb = Math.max(1, Math.round(html.length / 1024))
  return `<div class="packed" data-z="${z}"><p class="empty">This case's details and the bytes on both hops (${kb} KB) are compressed in this page and shown when the case is opened; this needs JavaScript (report.json holds them too).</p></div>`
}

/**
 * The page with every packed body expanded in place, as the script does when
 * a case is opened: for tests and tools that read a report's markup.
 */
export function expandPacked(html: string): string {
  return html.replace(/<div class="packed" data-z="([^"]*)">[\s\S]*?<\/div>/g, (_all, z: string) =>
    inflateRawSync(Buffer.from(z, 'base64')).toString('utf8'),
  )
}
