/**
 * The kill matrix as text a person reads: per suite, one table with a row
 * per seeded defect (and the reference as the control row) and a column per
 * case the defects name, then every row that went wrong with its verdict.
 *
 *   K  killed in every role it was started in     p  the reference passes it
 *   S  survived in some role (the case passed)     F  the reference does not pass it
 *   .  the defect does not name this case
 */
import type { KillMatrix, KillRow } from './kill-matrix.js'

const suiteOf = (caseId: string): string => caseId.split('/')[0] ?? caseId

function cell(rows: readonly KillRow[], control: boolean): string {
  if (rows.length === 0) return '.'
  const ok = rows.every((r) => r.ok)
  return control ? (ok ? 'p' : 'F') : ok ? 'K' : 'S'
}

/** Column numbers, right-aligned in three-character cells. */
const num = (n: number): string => String(n).padStart(3)

function suiteTable(suite: string, rows: readonly KillRow[]): string[] {
  const cases = [...new Set(rows.map((r) => r.caseId))]
  const defects = [...new Set(rows.filter((r) => r.target !== 'reference').map((r) => r.target))]
  const names = [...defects, 'reference']
  const width = Math.max(...names.map((n) => n.length), suite.length)
  const lines = [`${suite.padEnd(width)} ${cases.map((_, i) => num(i + 1)).join('')}`]
  for (const name of names) {
    const cells = cases.map((id) =>
      cell(
        rows.filter((r) => r.target === name && r.caseId === id),
        name === 'reference',
      ).padStart(3),
    )
    lines.push(`${name.padEnd(width)} ${cells.join('')}`)
  }
  lines.push(...cases.map((id, i) => `${num(i + 1)}  ${id}`))
  return lines
}

export function formatKillMatrix(matrix: KillMatrix): string {
  const lines: string[] = []
  const suites = [...new Set(matrix.rows.map((r) => suiteOf(r.caseId)))]
  for (const suite of suites) {
    lines.push(
      ...suiteTable(
        suite,
        matrix.rows.filter((r) => suiteOf(r.caseId) === suite),
      ),
      '',
    )
  }
  const wrong = [...matrix.survivors, ...matrix.referenceFailures]
  for (const row of wrong) {
    const mark = row.target === 'reference' ? 'FAILS   ' : 'SURVIVED'
    lines.push(`${mark} ${row.target} ${row.role} ${row.caseId} (${row.status}: ${row.message})`)
  }
  const defects = new Set(matrix.rows.filter((r) => r.target !== 'reference').map((r) => r.target))
  const expected = matrix.rows.length - wrong.length
  lines.push(
    `${defects.size} defects, ${expected}/${matrix.rows.length} rows as expected; ${matrix.survivors.length} survivors, ${matrix.referenceFailures.length} reference failures` +
      (matrix.unknownCases.length > 0
        ? `; unknown case ids: ${matrix.unknownCases.join(', ')}`
        : ''),
  )
  return lines.join('\n')
}
