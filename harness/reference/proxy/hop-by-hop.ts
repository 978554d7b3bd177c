/**
 * Which received field lines are end-to-end and may be forwarded (RFC 9110
 * §7.6.1). Pure: the same rules apply to requests and responses.
 */
import type { HeaderField } from '../../wire/types.js'

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
 */
export function endToEndFields(headers: readonly HeaderField[]): HeaderField[] {
  const named = connectionOptions(headers)
  return headers.filter((field) => {
    const name = field.name.toLowerCase()
    return !ALWAYS_HOP_BY_HOP.has(name) && !named.has(name)
  })
}
