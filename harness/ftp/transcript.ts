/**
 * The FTP origin's log as text for case evidence: one line per command, reply
 * or event, with the milliseconds since the origin started, C→FO for what the
 * client (the target) sent and FO→C for what the origin answered. Bytes that are
 * not printable ASCII are escaped (\r \n \0 \xFF), so an injected CR shows.
 */
import type { LogEvent } from './ftp-log.js'

/** Escapes everything outside printable ASCII; a backslash becomes \\. */
export function escapeBytes(bytes: Buffer): string {
  let out = ''
  for (const byte of bytes) {
    if (byte === 0x0d) out += '\\r'
    else if (byte === 0x0a) out += '\\n'
    else if (byte === 0x00) out += '\\0'
    else if (byte === 0x5c) out += '\\\\'
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte)
    else out += `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

const MAX_LINE = 400

export function renderTranscript(
  events: readonly LogEvent[],
  startedAt: number,
  options: { readonly conn?: string; readonly since?: number } = {},
): string {
  const lines: string[] = []
  for (const event of events) {
    if (options.since !== undefined && event.at < options.since) continue
    if (
      options.conn !== undefined &&
      event.conn !== options.conn &&
      !event.conn.startsWith(`${options.conn}.`)
    )
      continue
    const ms = (event.at - startedAt).toFixed(1).padStart(8)
    const arrow = event.dir === 'in' ? 'C→FO' : event.dir === 'out' ? 'FO→C' : '    '
    let text = event.note ?? escapeBytes(event.bytes ?? Buffer.alloc(0))
    if (text.length > MAX_LINE) text = `${text.slice(0, MAX_LINE)}… (${text.length} chars)`
    lines.push(`${ms} ms ${event.conn.padEnd(4)} ${arrow} ${text}`)
  }
  return lines.join('\n')
}
