import type { Evidence, WireEvent } from '../harness/engine/model/evidence.js'
import { decodeBytes, visibleText } from './bytes.js'

/** Who sent the bytes, in the words of the hop they were seen on. */
export function directionLabel(event: WireEvent): string {
  if (event.dir === undefined) return event.hop === 'client' ? 'client hop' : 'origin hop'
  if (event.hop === 'client')
    return event.dir === 'to-target' ? 'client → target' : 'target → client'
  return event.dir === 'from-target' ? 'target → origin' : 'origin → target'
}

/** "#2 +1.2 ms c1 client → target: data, 73 bytes" */
export function eventHeadline(event: WireEvent, byteLength?: number): string {
  const size = byteLength === undefined ? '' : `, ${byteLength} byte${byteLength === 1 ? '' : 's'}`
  const detail = event.detail === undefined ? '' : ` (${visibleText(event.detail)})`
  return `#${event.seq} +${event.t} ms ${event.conn} ${directionLabel(event)}: ${event.type}${size}${detail}`
}

export interface EvidenceTextOptions {
  /** Bytes shown per data event. @default 2048 */
  readonly maxBytesPerEvent?: number
  /** Characters for the whole transcript; later events are counted, not shown. @default 8000 */
  readonly maxChars?: number
  /** Indent for the byte lines under each event headline. @default '    ' */
  readonly indent?: string
}

/**
 * The evidence of one case as plain text, in the order the harness observed it:
 * a headline per event, the printable bytes under data events, then the notes.
 */
export function evidenceText(evidence: Evidence, options: EvidenceTextOptions = {}): string {
  const maxBytes = options.maxBytesPerEvent ?? 2048
  const maxChars = options.maxChars ?? 8000
  const indent = options.indent ?? '    '
  const lines: string[] = []
  let used = 0
  let shown = 0
  for (const event of evidence.events) {
    const block: string[] = []
    if (event.base64 === undefined) {
      block.push(eventHeadline(event))
    } else {
      const bytes = decodeBytes(event.base64, maxBytes)
      block.push(eventHeadline(event, bytes.byteLength))
      const body = bytes.text.endsWith('\n') ? bytes.text.slice(0, -1) : bytes.text
      if (body !== '') block.push(...body.split('\n').map((line) => `${indent}${line}`))
      if (bytes.omitted > 0) block.push(`${indent}… ${bytes.omitted} more bytes not shown`)
    }
    const size = block.reduce((n, line) => n + line.length + 1, 0)
    if (shown > 0 && used + size > maxChars) break
    lines.push(...block)
    used += size
    shown += 1
  }
  const left = evidence.events.length - shown
  if (left > 0)
    lines.push(`… ${left} more event${left === 1 ? '' : 's'} not shown (see the JSON report)`)
  for (const note of evidence.notes) lines.push(`note: ${visibleText(note)}`)
  return lines.join('\n')
}
