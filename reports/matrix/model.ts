import type { CaseResult, RunResult } from '../../harness/engine/model/run-result.js'
import type { Role } from '../../harness/engine/model/roles.js'
import type { Status } from '../../harness/engine/model/verdict.js'
import type { PeerFile, PeerName, ProviderKind } from '../../harness/peers/types.js'
import type { Reason, Reasons } from './reasons.js'

/** One column of the matrix: a peer in one role (in one of its profiles, if it has them). */
export interface MatrixColumn {
  readonly peer: PeerName
  readonly role: Role
  readonly profile?: string
  readonly key: string
}

/** How one peer was started for the matrix, for its "versions and configs" section. */
export interface PeerRunInfo {
  readonly peer: PeerName
  /** The profile it ran in (peer:NAME:PROFILE), for a peer that has profiles. */
  readonly profile?: string
  readonly version: string
  readonly provider: ProviderKind
  readonly where: string
  /** Template files under test-fixtures/peers/ per role, and the config as run. */
  readonly roles: readonly {
    readonly role: Role
    readonly templates: readonly string[]
    readonly files: readonly PeerFile[]
  }[]
  /** Where this peer's full report (with evidence) is, relative to the matrix files. */
  readonly evidence: string
  readonly run: RunResult
}

export interface MatrixCell {
  readonly status: Status
  readonly message: string
  /** Link to the evidence: the peer's HTML report at the case's anchor. */
  readonly href: string
  readonly reason?: Reason
}

export interface MatrixRow {
  readonly id: string
  readonly suite: string
  readonly title: string
  readonly level: string
  readonly requirements: readonly string[]
  readonly cells: ReadonlyMap<string, MatrixCell>
}

export interface Matrix {
  readonly generatedAt: string
  readonly toolVersion: string
  readonly columns: readonly MatrixColumn[]
  readonly rows: readonly MatrixRow[]
  readonly peers: readonly PeerRunInfo[]
}

/** Statuses a reason must explain: everything that is neither a pass nor out of scope. */
export const NEEDS_REASON: readonly Status[] = ['fail', 'warn', 'timeout', 'error', 'unsupported']

/** "squid/reverse", or with a profile "squid:direct/forward" (the reasons.json key form). */
export function columnKey(peer: PeerName, role: Role, profile?: string): string {
  return profile === undefined ? `${peer}/${role}` : `${peer}:${profile}/${role}`
}

/** The column header: "squid forward", or "squid forward (direct)". */
export function columnLabel(column: MatrixColumn): string {
  return column.profile === undefined
    ? `${column.peer} ${column.role}`
    : `${column.peer} ${column.role} (${column.profile})`
}

/**
 * Folds the per-peer runs into rows of cases by columns of peer and role (and
 * profile: one PeerRunInfo per profile a peer ran in).
 */
export function buildMatrix(
  peers: readonly PeerRunInfo[],
  reasons: Reasons,
  anchor: (result: CaseResult) => string,
  toolVersion: string,
): Matrix {
  const columns: MatrixColumn[] = peers.flatMap((p) =>
    p.roles.map((r) => ({
      peer: p.peer,
      role: r.role,
      ...(p.profile === undefined ? {} : { profile: p.profile }),
      key: columnKey(p.peer, r.role, p.profile),
    })),
  )
  const rows = new Map<string, MatrixRow & { cells: Map<string, MatrixCell> }>()
  for (const info of peers) {
    for (const result of info.run.results) {
      if (result.verdict.status === 'not-applicable') continue
      let row = rows.get(result.id)
      if (row === undefined) {
        row = {
          id: result.id,
          suite: result.suite,
          title: result.title,
          level: result.level,
          requirements: result.requirements,
          cells: new Map(),
        }
        rows.set(result.id, row)
      }
      const reason = reasons.lookup(info.peer, result.role, result.id, info.profile)
      row.cells.set(columnKey(info.peer, result.role, info.profile), {
        status: result.verdict.status,
        message: result.verdict.message,
        href: `${info.evidence}#${anchor(result)}`,
        ...(reason === undefined ? {} : { reason }),
      })
    }
  }
  return {
    generatedAt: new Date().toISOString(),
    toolVersion,
    columns,
    rows: [...rows.values()],
    peers,
  }
}

/** Cells whose status needs a reason and has none: what is left to investigate. */
export function unexplained(matrix: Matrix): string[] {
  const missing: string[] = []
  for (const row of matrix.rows) {
    for (const [key, cell] of row.cells) {
      if (NEEDS_REASON.includes(cell.status) && cell.reason === undefined)
        missing.push(`${key} ${row.id} (${cell.status}): ${cell.message}`)
    }
  }
  return missing
}
