/**
 * Renders a connection's frames as case evidence: one line per frame header,
 * what it carried decoded (HPACK fields with the representation they came
 * in), then its bytes in hex.
 */
import { errorCodeName, settingName } from './constants.js'
import { describeFrameHeader, type Frame } from './frames.js'
import type { DecodedField } from './hpack-decoder.js'
import type { FrameRecord } from './records.js'

export interface RenderOptions {
  /** Include each frame's bytes in hex. @default true */
  readonly hex?: boolean
  /** Most octets of hex per frame (the rest is counted). @default 256 */
  readonly maxHexBytes?: number
  /** Times are relative to this performance.now() value. @default the first record's time */
  readonly since?: number
}

/** A latin1 string quoted so every octet outside printable ASCII shows (\r, \n, \x00). */
export function quote(text: string): string {
  let out = '"'
  for (const ch of text) {
    const c = ch.charCodeAt(0)
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (ch === '\r') out += '\\r'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\t') out += '\\t'
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return `${out}"`
}

function representation(field: DecodedField): string {
  const parts: string[] = [field.rep]
  if (field.index !== undefined)
    parts.push(field.rep === 'indexed' ? `#${field.index}` : `name #${field.index}`)
  if (field.huffman.name) parts.push('huffman name')
  if (field.huffman.value) parts.push('huffman value')
  return parts.join(', ')
}

function details(frame: Frame): string[] {
  switch (frame.kind) {
    case 'DATA':
      return [
        `data ${frame.data.length} octets ${quote(frame.data.subarray(0, 80).toString('latin1'))}${frame.data.length > 80 ? '…' : ''}`,
      ]
    case 'SETTINGS':
      return frame.settings.map(([id, value]) => `${settingName(id)} = ${value}`)
    case 'RST_STREAM':
      return [`error ${errorCodeName(frame.errorCode)}`]
    case 'GOAWAY':
      return [
        `last stream ${frame.lastStreamId}, error ${errorCodeName(frame.errorCode)}${frame.debug.length > 0 ? `, debug ${quote(frame.debug.toString('latin1'))}` : ''}`,
      ]
    case 'WINDOW_UPDATE':
      return [`increment ${frame.increment}`]
    case 'PING':
      return [`opaque ${frame.opaque.toString('hex')}`]
    case 'PRIORITY':
      return [
        `depends on ${frame.priority.dependsOn}${frame.priority.exclusive ? ' (exclusive)' : ''}, weight ${frame.priority.weight + 1}`,
      ]
    case 'PUSH_PROMISE':
      return [`promised stream ${frame.promisedStreamId}`]
    case 'MALFORMED':
      return [`malformed: ${frame.problem}`]
    case 'HEADERS':
    case 'CONTINUATION':
    case 'UNKNOWN':
      return []
  }
}

function hexLines(bytes: Buffer, max: number): string[] {
  const shown = bytes.subarray(0, max)
  const lines: string[] = []
  for (let at = 0; at < shown.length; at += 16) {
    const row = [...shown.subarray(at, at + 16)].map((b) => b.toString(16).padStart(2, '0'))
    lines.push(`${at.toString(16).padStart(4, '0')}  ${row.join(' ')}`)
  }
  if (bytes.length > max) lines.push(`… ${bytes.length - max} more octets`)
  return lines
}

/** The frames of one connection as text, in the order they were written and parsed. */
export function renderFrameTranscript(
  records: readonly FrameRecord[],
  options: RenderOptions = {},
): string {
  const since = options.since ?? records[0]?.at ?? 0
  const lines: string[] = []
  for (const r of records) {
    const t = (r.at - since).toFixed(1).padStart(7)
    lines.push(`[+${t} ms] ${r.dir === 'sent' ? '→' : '←'} ${describeFrameHeader(r.frame.header)}`)
    for (const line of details(r.frame)) lines.push(`    ${line}`)
    if (r.block !== undefined) {
      for (const sizeUpdate of r.block.sizeUpdates)
        lines.push(`    (table size update ${sizeUpdate})`)
      for (const f of r.block.fields)
        lines.push(`    ${quote(f.name)}: ${quote(f.value)}  [${representation(f)}]`)
      if (r.block.error !== undefined) lines.push(`    HPACK error: ${r.block.error}`)
    }
    if (options.hex ?? true)
      for (const line of hexLines(r.bytes, options.maxHexBytes ?? 256)) lines.push(`      ${line}`)
  }
  return lines.join('\n')
}
