/**
 * The chunk-size line of the chunked coding (RFC 9112 §7.1):
 * chunk-size [ chunk-ext ] CRLF, where chunk-size = 1*HEXDIG and extensions
 * are ignored (§7.1.1) but noted.
 */
import type { AnomalyLog } from './anomalies.js'

const HEX = /^[0-9A-Fa-f]+$/

/**
 * The size from a complete chunk-size line (`line` includes its LF).
 * `offset` is the line's position for anomalies. Returns undefined when no
 * size can be read at all (lenient: the framing is lost).
 * Lenient reading of an invalid size: leading OWS and a "0x" prefix are
 * dropped, and the leading hex digits are used.
 */
export function chunkSize(line: Buffer, offset: number, log: AnomalyLog): number | undefined {
  const crlf = line.length >= 2 && line[line.length - 2] === 0x0d
  if (!crlf)
    log.addOnce('bare-lf', 'chunk-size line ended by LF without CR', offset + line.length - 1)
  const text = line.toString('latin1', 0, line.length - (crlf ? 2 : 1))
  const cr = text.indexOf('\r')
  if (cr !== -1) log.addOnce('bare-cr', 'CR not followed by LF in a chunk-size line', offset + cr)
  const semicolon = text.indexOf(';')
  if (semicolon !== -1)
    log.addOnce('chunk-extension', 'chunk extension ignored', offset + semicolon)
  // BWS is allowed before the ";" of an extension (RFC 9112 §7.1.1), nowhere else.
  const sizeText = semicolon === -1 ? text : text.slice(0, semicolon).replace(/[ \t]+$/, '')
  const size = HEX.test(sizeText) ? hexValue(sizeText) : undefined
  if (size !== undefined) return size
  log.addOnce('invalid-chunk-size', `chunk size "${sizeText}" is not a hex number`, offset)
  const digits = /^[0-9A-Fa-f]+/.exec(sizeText.replace(/^[ \t]+/, '').replace(/^0[xX]/, ''))
  return digits === null ? undefined : hexValue(digits[0])
}

/** The value of hex digits, or undefined past Number.MAX_SAFE_INTEGER. */
function hexValue(hex: string): number | undefined {
  const significant = hex.replace(/^0+(?=.)/, '')
  if (significant.length > 14) return undefined
  const value = parseInt(significant, 16)
  return Number.isSafeInteger(value) ? value : undefined
}
