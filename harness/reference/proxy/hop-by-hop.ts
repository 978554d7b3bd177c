/**
 * Which received field lines are end-to-end and may be forwarded (RFC 9110
 * §7.6.1). Pure: the same rules apply to requests and responses.
 */
import type { HeaderField } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'

/**
 * Removed whether or not Connection names them (RFC 9110 §7.6.1 lists the
 * first five; RFC 9112 §6.1: the proxy re-frames, so Transfer-Encoding is
 * always its own). Upgrade: this proxy does not upgrade, and RFC 9110 §7.8
 * lets it ignore the field. HTTP2-Settings only means something with
 * `Upgrade: h2c` (RFC 7540 §3.2.1).
 */
export const ALWAYS_HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
])

/**
 * The connection options of a message: every Connection line parsed as a list
 * (RFC 9110 §5.6.1: empty elements and OWS allowed; §7.6.1: case-insensitive),
 * lower-cased.
 */
export function connectionOptions(headers: readonly HeaderField[]): Set<string> {
  const options = new Set<string>()
  for (const field of headers) {
    if (field.name.toLowerCase() !== 'connection') continue
    for (const element of field.value.split(',')) {
      const token = element.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase()
      if (token !== '') options.add(token)
    }
  }
  return options
}

/**
 * The field lines that survive a hop, in their received order: drops
 * Connection, every field it names, and the always-hop-by-hop set.
 *
 * Seeded defects (harness/reference/proxy/defects.ts):
 * - 'forwards-keep-alive': Keep-Alive and Proxy-Connection go only when
 *   Connection names them, the node-http-proxy #1488 class [B2];
 * - 'forwards-te': TE is kept whatever Connection says, as a gRPC-minded
 *   proxy that "keeps TE: trailers" does without adding `Connection: TE`.
 */
export function endToEndFields(
  headers: readonly HeaderField[],
  defect?: ProxyDefect,
): HeaderField[] {
  const named = connectionOptions(headers)
  return headers.filter((field) => {
    const name = field.name.toLowerCase()
    if (defect === 'forwards-te' && name === 'te') return true
    if (defect === 'forwards-keep-alive' && (name === 'keep-alive' || name === 'proxy-connection'))
      return !named.has(name)
    return !ALWAYS_HOP_BY_HOP.has(name) && !named.has(name)
  })
}
