/**
 * The kill matrix: every seeded defect against the cases that name it, and
 * the same cases against the reference. A defect that survives (a named
 * case passes against it) means that case cannot fail for the bug it claims
 * to catch; a reference failure means the case is wrong the other way.
 */
import { appliesTo, type ConformanceCase } from '../../harness/engine/model/case.js'
import type { Role } from '../../harness/engine/model/roles.js'
import type { CaseResult } from '../../harness/engine/model/run-result.js'
import type { Status } from '../../harness/engine/model/verdict.js'
import { Scope } from '../../harness/net/started.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { startBuiltin } from '../../harness/engine/target/builtin.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'
import { allCases } from '../../suites/index.js'
import { defectRoles, type SeededDefect } from './types.js'

export interface KillRow {
  /** The defect name, or 'reference' for the control column. */
  readonly target: string
  readonly caseId: string
  readonly role: Role
  readonly status: Status
  /** For a defect: the case did not pass. For the reference: the case passed. */
  readonly ok: boolean
  readonly message: string
}

export interface KillMatrix {
  readonly rows: readonly KillRow[]
  /** Defect rows whose case passed: the defect survived. */
  readonly survivors: readonly KillRow[]
  /** Reference rows whose case did not pass. */
  readonly referenceFailures: readonly KillRow[]
  /** killedBy ids that name no case in the catalog. */
  readonly unknownCases: readonly string[]
}

export interface KillMatrixOptions {
  readonly defects: readonly SeededDefect[]
  readonly catalog?: readonly ConformanceCase[]
  readonly timeoutMs?: number
  readonly onRow?: (row: KillRow) => void
}

/** A verdict that shows the case noticed the bug; an `error` is our fault and proves nothing. */
export function caught(result: CaseResult): boolean {
  const { status, expected } = result.verdict
  return (
    status === 'fail' ||
    status === 'warn' ||
    status === 'timeout' ||
    (status === 'info' && expected !== undefined)
  )
}

async function runOn(
  started: StartedTarget,
  cases: readonly ConformanceCase[],
  env: RunEnvironment,
): Promise<CaseResult[]> {
  const results: CaseResult[] = []
  // One at a time: a defect target is small and the verdicts must not race each other.
  for (const c of cases) {
    if (appliesTo(c, started.endpoint.role)) results.push(await runCase(c, started.endpoint, env))
  }
  return results
}

export async function runKillMatrix(options: KillMatrixOptions): Promise<KillMatrix> {
  const catalog = new Map((options.catalog ?? allCases()).map((c) => [c.id, c]))
  const rows: KillRow[] = []
  const unknownCases = new Set<string>()
  const push = (row: KillRow): void => {
    rows.push(row)
    options.onRow?.(row)
  }
  const scope = new Scope()
  try {
    const env = await startRunEnvironment(scope, {
      tcpPerKind: 1,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      // The FTP origin only when a defect plays the ftp-gateway role.
      ...(options.defects.some((d) => defectRoles(d).includes('ftp-gateway')) ? { ftp: {} } : {}),
      // The raw h2 origin only when a defect's cases talk h2 to the upstream.
      ...(options.defects.some((d) => d.killedBy.some((id) => catalog.get(id)?.upstream === 'h2'))
        ? { h2Origin: true }
        : {}),
    })
    const control = new Map<Role, Set<string>>()
    for (const defect of options.defects) {
      const cases = defect.killedBy.flatMap((id) => {
        const c = catalog.get(id)
        if (c === undefined) unknownCases.add(id)
        return c === undefined ? [] : [c]
      })
      for (const role of defectRoles(defect)) {
        // Behind TLS only for the cases that run there: no target started for nothing.
        if (!cases.some((c) => appliesTo(c, role))) continue
        const started = await defect.start(role, env)
        try {
          for (const result of await runOn(started, cases, env)) {
            push({
              target: defect.name,
              caseId: result.id,
              role,
              status: result.verdict.status,
              ok: caught(result),
              message: result.verdict.message,
            })
          }
        } finally {
          await started.close()
        }
        const ids = control.get(role) ?? new Set<string>()
        for (const c of cases) ids.add(c.id)
        control.set(role, ids)
      }
    }
    // The control column: every case the matrix used, against the reference, in each role used.
    for (const [role, ids] of control) {
      const started = await startBuiltin('reference', role, env).catch(() => undefined)
      if (started === undefined) continue
      try {
        const cases = [...ids].map((id) => catalog.get(id)).filter((c) => c !== undefined)
        for (const result of await runOn(started, cases, env)) {
          push({
            target: 'reference',
            caseId: result.id,
            role,
            status: result.verdict.status,
            ok: result.verdict.status === 'pass',
            message: result.verdict.message,
          })
        }
      } finally {
        await started.close()
      }
    }
  } finally {
    await scope.close()
  }
  return {
    rows,
    survivors: rows.filter((r) => r.target !== 'reference' && !r.ok),
    referenceFailures: rows.filter((r) => r.target === 'reference' && !r.ok),
    unknownCases: [...unknownCases],
  }
}

// The readable defect × case table lives in its own file.
export { formatKillMatrix } from './format-kill-matrix.js'
