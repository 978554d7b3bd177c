import type { Status } from '../../../harness/engine/model/verdict.js'
import type { Matrix, MatrixColumn, PeerRunInfo } from '../model.js'
import { slug } from '../../html.js'

/** The statuses a matrix cell can have, in the order the pages list them. */
export const CELL_STATUSES: readonly Status[] = [
  'pass',
  'fail',
  'warn',
  'timeout',
  'error',
  'info',
  'unsupported',
]

/** Words, not emoji: the pages must read the same without an emoji font. */
export const STATUS_WORD: Readonly<Record<Status, string>> = {
  pass: 'pass',
  fail: 'FAIL',
  warn: 'warn',
  info: 'info',
  'not-applicable': '—',
  unsupported: 'unsupp.',
  timeout: 'timeout',
  error: 'ERROR',
}

export type Tally = Record<Status, number> & { total: number }

function emptyTally(): Tally {
  return {
    pass: 0,
    fail: 0,
    warn: 0,
    info: 0,
    'not-applicable': 0,
    unsupported: 0,
    timeout: 0,
    error: 0,
    total: 0,
  }
}

/** Cells of one column (in one suite, or every suite), counted by status. */
export function tallyOf(matrix: Matrix, column: MatrixColumn, suite?: string): Tally {
  const tally = emptyTally()
  for (const row of matrix.rows) {
    if (suite !== undefined && row.suite !== suite) continue
    const cell = row.cells.get(column.key)
    if (cell === undefined) continue
    tally[cell.status] += 1
    tally.total += 1
  }
  return tally
}

/** The page of one peer (in one profile): peer-squid.html, peer-squid-chained.html. */
export function peerPageName(peer: Pick<PeerRunInfo, 'peer' | 'profile'>): string {
  return `peer-${slug(peer.profile === undefined ? peer.peer : `${peer.peer}-${peer.profile}`)}.html`
}

/** The runs of the matrix grouped by page: a peer's HTTP, balancer and FTP passes share one. */
export function peerPages(matrix: Matrix): Map<string, PeerRunInfo[]> {
  const pages = new Map<string, PeerRunInfo[]>()
  for (const info of matrix.peers) {
    const name = peerPageName(info)
    pages.set(name, [...(pages.get(name) ?? []), info])
  }
  return pages
}

/** The anchor of a suite on suites.html. */
export const suiteAnchor = (suite: string): string => `suite-${slug(suite)}`
