/**
 * Parsing field lines (RFC 9112 §5) of a head or a trailer section into
 * HeaderFields, keeping each line's raw bytes and recording what is off.
 */
import type { AnomalyLog } from './anomalies.js'
import { isWhitespace, lineText, TOKEN, trimOws, type Line } from './lines.js'
import type { HeaderField } from './types.js'

interface Draft {
  name: string
  value: string
  start: number
  end: number
}

/**
 * Field lines from `lines` (no start line, no final empty line).
 * Lenient interpretations, each with its anomaly:
 * - a whitespace-led line with no field before it is ignored (RFC 9112 §2.2);
 * - obs-fold is unfolded: the value gets one SP per fold, `raw` spans the fold (RFC 9112 §5.2);
 * - whitespace before the colon is dropped from the name (RFC 9112 §5.1);
 * - a line without a colon is kept as a field named by the whole line, with value '';
 * - NUL in a value is replaced with SP (RFC 9110 §5.5).
 */
export function parseFieldLines(
  buf: Buffer,
  lines: readonly Line[],
  log: AnomalyLog,
): HeaderField[] {
  const drafts: Draft[] = []
  for (const line of lines) {
    const text = lineText(buf, line, log)
    const previous = drafts.at(-1)
    if (isWhitespace(text[0])) {
      if (previous === undefined) {
        log.add(
          'leading-whitespace-line',
          'whitespace-led line before the first field line; ignored',
          line.start,
        )
        continue
      }
      log.add('obs-fold', 'field line continued with obs-fold', line.start)
      const continuation = trimOws(text)
      previous.value = previous.value === '' ? continuation : `${previous.value} ${continuation}`
      previous.end = line.end
      continue
    }
    drafts.push(fieldLine(text, line, log))
  }
  return drafts.map((d) => ({ name: d.name, value: d.value, raw: buf.subarray(d.start, d.end) }))
}

function fieldLine(text: string, line: Line, log: AnomalyLog): Draft {
  const colon = text.indexOf(':')
  if (colon === -1) {
    log.add('invalid-field-name', 'field line without a colon', line.start)
    return { name: text, value: '', start: line.start, end: line.end }
  }
  let name = text.slice(0, colon)
  if (isWhitespace(name.at(-1))) {
    log.add(
      'whitespace-before-colon',
      `whitespace between field name "${name.trimEnd()}" and colon`,
      line.start,
    )
    name = name.replace(/[ \t]+$/, '')
  }
  if (!TOKEN.test(name))
    log.add('invalid-field-name', `field name "${name}" is not a token`, line.start)
  let value = trimOws(text.slice(colon + 1))
  const nul = text.indexOf('\0', colon + 1)
  if (nul !== -1) {
    log.add('invalid-field-value', `NUL in the value of "${name}"`, line.start + nul)
    value = trimOws(value.replaceAll('\0', ' '))
  }
  return { name, value, start: line.start, end: line.end }
}
