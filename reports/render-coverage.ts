import { LEVELS } from '../harness/model/level.js'
import { ROLES } from '../harness/model/roles.js'
import type { CoverageReport, CoverageTally, RequirementCoverage } from './coverage.js'
import { mdCode, mdDetails, mdTable } from './markdown.js'

const percent = (t: CoverageTally): string =>
  t.total === 0 ? '–' : `${Math.round((100 * t.covered) / t.total)}%`
const ratio = (t: CoverageTally): string => `${t.covered}/${t.total} (${percent(t)})`

const uncovered = (report: CoverageReport, level: string): RequirementCoverage[] =>
  report.requirements.filter((r) => r.level === level && r.cases.length === 0)

/** Coverage for a terminal: totals by level and role, then the uncovered MUST and SHOULD ids. */
export function renderCoverageText(report: CoverageReport): string {
  const roles = ROLES.filter((role) => report.byRole[role].total > 0)
  const lines = [
    `requirement coverage: ${report.total.covered} of ${report.total.total} catalog requirements have a case (${percent(report.total)})`,
    `by level: ${LEVELS.map((level) => `${level} ${ratio(report.byLevel[level])}`).join(', ')}`,
    `by role:  ${roles.map((role) => `${role} ${ratio(report.byRole[role])}`).join(', ')}`,
  ]
  for (const level of ['MUST', 'SHOULD']) {
    const missing = uncovered(report, level)
    if (missing.length > 0)
      lines.push(`uncovered ${level} (${missing.length}): ${missing.map((r) => r.id).join(', ')}`)
  }
  const partial = report.requirements.filter((r) => r.cases.length > 0 && r.missingRoles.length > 0)
  if (partial.length > 0) {
    lines.push(
      `covered in some roles only: ${partial.map((r) => `${r.id} (not ${r.missingRoles.join(', ')})`).join('; ')}`,
    )
  }
  if (report.uncatalogued.length > 0) {
    lines.push(
      `cited but not in the catalog: ${report.uncatalogued.map((u) => `${u.requirement} (${u.cases.join(', ')})`).join('; ')}`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** Coverage as Markdown: tables by level and role, uncovered MUST ids, and every requirement in <details>. */
export function renderCoverageMarkdown(report: CoverageReport): string {
  const roles = ROLES.filter((role) => report.byRole[role].total > 0)
  const out = [
    '## Requirement coverage',
    '',
    `${report.total.covered} of ${report.total.total} catalog requirements have at least one case (${percent(report.total)}).`,
    '',
    mdTable(
      ['level', 'covered', 'total', '%'],
      LEVELS.map((l) => [
        l,
        String(report.byLevel[l].covered),
        String(report.byLevel[l].total),
        percent(report.byLevel[l]),
      ]),
      ['l', 'r', 'r', 'r'],
    ),
    '',
    mdTable(
      ['role', 'covered', 'total', '%'],
      roles.map((r) => [
        r,
        String(report.byRole[r].covered),
        String(report.byRole[r].total),
        percent(report.byRole[r]),
      ]),
      ['l', 'r', 'r', 'r'],
    ),
  ]
  const missing = uncovered(report, 'MUST')
  if (missing.length > 0)
    out.push(
      '',
      `**Uncovered MUST requirements (${missing.length}):** ${missing.map((r) => mdCode(r.id)).join(', ')}`,
    )
  if (report.uncatalogued.length > 0) {
    out.push(
      '',
      `**Cited but not in the catalog:** ${report.uncatalogued.map((u) => `${mdCode(u.requirement)} (${u.cases.map(mdCode).join(', ')})`).join('; ')}`,
    )
  }
  const rows = report.requirements.map((r) => [
    mdCode(r.id),
    r.level,
    r.roles.join(', '),
    r.cases.length === 0 ? '—' : r.cases.map(mdCode).join('<br>'),
    r.missingRoles.length === 0 || r.cases.length === 0 ? '' : `not ${r.missingRoles.join(', ')}`,
  ])
  out.push(
    '',
    mdDetails('Every requirement', mdTable(['id', 'level', 'roles', 'cases', 'gaps'], rows)),
  )
  return `${out.join('\n')}\n`
}
