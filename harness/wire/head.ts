/**
 * Turning the complete bytes of a head (start line through the empty line)
 * into a RequestHead or ResponseHead.
 */
import { AnomalyLog } from './anomalies.js'
import { parseFieldLines } from './field-lines.js'
import { lineText, splitLines } from './lines.js'
import { parseRequestLine, parseStatusLine } from './start-line.js'
import type { MessageHead, ParseMode } from './types.js'

/**
 * Parse `raw` (which ends with the empty line). Returns the head and its log,
 * so framing anomalies can be added to the same list. Throws WireError in
 * strict mode on the first non-informational anomaly, and in both modes when
 * the start line cannot be read.
 */
export function parseHead(
  kind: 'request' | 'response',
  raw: Buffer,
  mode: ParseMode,
  skipped = 0,
): { head: MessageHead; log: AnomalyLog } {
  const log: AnomalyLog = new AnomalyLog(mode)
  if (kind === 'response' && skipped > 0) {
    // Empty lines may precede a request (RFC 9112 §2.2), never a response: usually a body longer than its framing said.
    log.add(
      'invalid-start-line',
      `${skipped} bytes of empty lines before the status line; ignored`,
      0,
    )
  }
  const lines = splitLines(raw, log)
  const first = lines[0]
  if (first === undefined || first.end === first.start)
    log.fatal('invalid-start-line', 'no start line', 0)
  const startText = lineText(raw, first, log)
  const anomalies = log.list
  if (kind === 'request') {
    const line = parseRequestLine(startText, log)
    const headers = parseFieldLines(raw, lines.slice(1, -1), log)
    return { head: { kind, ...line, headers, raw, anomalies }, log }
  }
  const line = parseStatusLine(startText, log)
  const headers = parseFieldLines(raw, lines.slice(1, -1), log)
  return { head: { kind, ...line, headers, raw, anomalies }, log }
}
