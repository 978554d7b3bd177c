import type { Evidence } from '../harness/engine/model/evidence.js'

/** Printable bytes: CR and LF shown, other controls as \xNN, long runs cut. */
export function printable(bytes: Buffer, max = 2000): string {
  const text = bytes
    .subarray(0, max)
    .toString('latin1')
    .replace(/\r\n/g, '␍␊\n')
    .replace(
      // eslint-disable-next-line no-control-regex -- making control bytes visible is the point
      /[\x00-\x08\x0b-\x1f\x7f-\xff]/g,
      (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
    )
  return bytes.length > max ? `${text}… (${bytes.length - max} more bytes)` : text
}

/** The transcript as text: one block per event, both hops in the order observed. */
export function formatEvidence(evidence: Evidence): string {
  const lines = evidence.notes.map((note) => `note: ${note}`)
  for (const event of evidence.events) {
    const where = `#${event.seq} +${event.t}ms ${event.hop}/${event.conn}`
    if (event.type === 'data' && event.base64 !== undefined) {
      const arrow = event.dir === 'to-target' ? '→ target' : '← target'
      lines.push(`${where} ${arrow}:\n${printable(Buffer.from(event.base64, 'base64'))}`)
    } else {
      lines.push(
        `${where} ${event.type}${event.dir === undefined ? '' : ` ${event.dir}`}${event.detail === undefined ? '' : `: ${event.detail}`}`,
      )
    }
  }
  return lines.join('\n')
}
