import type { Status } from '../../harness/engine/model/verdict.js'
import type { Matrix, MatrixCell, MatrixColumn, MatrixRow, PeerRunInfo } from './model.js'
import type { Reason } from './reasons.js'

export const STATUS_MARK: Readonly<Record<Status, string>> = {
  pass: '✅',
  fail: '❌',
  warn: '⚠️',
  info: 'ℹ️',
  'not-applicable': '—',
  unsupported: '🚫',
  timeout: '⏱️',
  error: '💥',
}

export const SIDE_LABEL: Readonly<Record<Reason['side'], string>> = {
  peer: 'the peer deviates',
  config: 'the configuration (a documented default)',
  harness: 'a proxyspec error, not yet fixed',
  info: 'informational (the RFCs allow it)',
}

/** A cell's note: its number in the reasons list, and what it explains. */
export interface Note {
  readonly n: number
  readonly row: MatrixRow
  readonly column: MatrixColumn
  readonly cell: MatrixCell
}

/** Numbers every non-pass cell in table order, so both renderers share the numbering. */
export function numberNotes(matrix: Matrix): Map<MatrixCell, Note> {
  const notes = new Map<MatrixCell, Note>()
  for (const row of matrix.rows) {
    for (const column of matrix.columns) {
      const cell = row.cells.get(column.key)
      if (cell === undefined || cell.status === 'pass') continue
      notes.set(cell, { n: notes.size + 1, row, column, cell })
    }
  }
  return notes
}

/** pass/total per column, the header line of the table. */
export function columnTally(matrix: Matrix, column: MatrixColumn): string {
  let pass = 0
  let total = 0
  for (const row of matrix.rows) {
    const cell = row.cells.get(column.key)
    if (cell === undefined) continue
    total += 1
    if (cell.status === 'pass') pass += 1
  }
  return `${pass}/${total}`
}

/** "squid", or "squid (chained)" for a run in one of the peer's profiles. */
export function peerLabel(peer: PeerRunInfo): string {
  return peer.profile === undefined ? peer.peer : `${peer.peer} (${peer.profile})`
}

export function suitesOf(matrix: Matrix): string[] {
  return [...new Set(matrix.rows.map((r) => r.suite))]
}

/** "150 notes: 120 peer deviations, 10 documented defaults, 20 proxyspec bugs, ..." */
export function notesTally(notes: Iterable<Note>): string {
  let peer = 0
  let config = 0
  let harness = 0
  let info = 0
  let open = 0
  let total = 0
  for (const note of notes) {
    total += 1
    const side = note.cell.reason?.side
    // An INFO cell is an observation whatever its note says: never counted as a deviation.
    if (note.cell.status === 'info' || side === 'info') info += 1
    else if (side === 'peer') peer += 1
    else if (side === 'config') config += 1
    else if (side === 'harness') harness += 1
    else open += 1
  }
  const parts = [
    `${peer} the peer deviates`,
    `${config} a documented default`,
    `${harness} a proxyspec error not yet fixed`,
    ...(info > 0 ? [`${info} informational`] : []),
    ...(open > 0 ? [`${open} not yet investigated`] : []),
  ]
  return `${total} cells are not a pass: ${parts.join(', ')}.`
}
