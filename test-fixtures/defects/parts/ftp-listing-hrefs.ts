/**
 * For the seeded defect listing-hrefs-not-encoded: a listing page whose link
 * targets are the raw names again (every %XX in an href decoded), as a gateway
 * that pastes names into hrefs writes them.
 */
export function decodedHrefs(page: Buffer): Buffer {
  const html = page.toString('utf-8')
  return Buffer.from(
    html.replace(/href="([^"]*)"/g, (_all, href: string) => {
      let raw = href
      try {
        raw = decodeURIComponent(href)
      } catch {
        // Not decodable as UTF-8: left as it is.
      }
      return `href="${raw.replace(/"/g, '&quot;')}"`
    }),
    'utf-8',
  )
}
