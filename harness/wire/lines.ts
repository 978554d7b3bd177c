/**
 * Splitting a complete head (or trailer section) into lines, and the lexical
 * checks every line gets: line endings and bare CRs (RFC 9112 §2.2).
 */
import type { AnomalyLog } from './anomalies.js'

const CR = 0x0d
const LF = 0x0a

/** One line of a buffer: content is [start, end), the line ending runs to `next`. */
export interface Line {
  readonly start: number
  readonly end: number
  readonly next: number
}

/**
 * The lines of `buf`, each ended by CRLF or, with anomaly 'bare-lf', LF alone
 * (lenient: accepted as a line end, as RFC 9112 §2.2 allows). Bytes after the
 * last LF are ignored: callers pass whole lines.
 */
export function splitLines(buf: Buffer, log: AnomalyLog): Line[] {
  const lines: Line[] = []
  let start = 0
  for (;;) {
    const lf = buf.indexOf(LF, start)
    if (lf === -1) return lines
    const crlf = lf > start && buf[lf - 1] === CR
    if (!crlf) log.add('bare-lf', 'line ended by LF without CR', lf)
    lines.push({ start, end: crlf ? lf - 1 : lf, next: lf + 1 })
    start = lf + 1
  }
}

/**
 * The text of a line (latin1). A CR inside it is a bare CR: anomaly 'bare-cr',
 * and lenient mode replaces it with SP as RFC 9112 §2.2 allows.
 */
export function lineText(buf: Buffer, line: Line, log: AnomalyLog): string {
  let text = buf.toString('latin1', line.start, line.end)
  const cr = text.indexOf('\r')
  if (cr !== -1) {
    log.add('bare-cr', 'CR not followed by LF', line.start + cr)
    text = text.replaceAll('\r', ' ')
  }
  return text
}

/** SP or HTAB. */
export function isWhitespace(char: string | undefined): boolean {
  return char === ' ' || char === '\t'
}

/** Strip leading and trailing OWS (SP / HTAB). */
export function trimOws(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '')
}

/** token = 1*tchar (RFC 9110 §5.6.2). */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
