import type { CoverageReport, CoverageTally, RequirementCoverage } from './coverage.js'
import { mdCode, mdDetails, mdTable } from './markdown.js'
import { CATALOG_LEVELS, CATALOG_ROLES, type CatalogLevel } from './requirement-catalog.js'

/** A level as the catalog writes it: MUST, SHOULD, INFO, Contract. */
const levelName = (level: CatalogLevel): string => (level === 'CONTRACT' ? 'Contract' : level)

/** A row's level for the per-requirement table: "MUST + Contract" for a hybrid row. */
const rowLevel = (r: RequirementCoverage): string =>
  r.contract && r.level !== 'CONTRACT' ? `${r.level} + Contract` : levelName(r.level)

/** Levels and roles the catalog has rows for (a catalog without §12 shows no Contract). */
const levelsOf = (report: CoverageReport): CatalogLevel[] =>
  CATALOG_LEVELS.filter((level) => report.byLevel[level].total > 0)
const rolesOf = (report: CoverageReport) =>
  CATALOG_ROLES.filter((role) => report.byRole[role].total > 0)

/** The levels whose uncovered rows are listed by id. */
const LISTED: readonly CatalogLevel[] = ['MUST', 'SHOULD', 'CONTRACT']

const percent = (t: CoverageTally): string =>
  t.total === 0 ? '–' : `${Math.round((100 * t.covered) / t.total)}%`
const ratio = (t: CoverageTally): string => `${t.covered}/${t.total} (${percent(t)})`

const uncovered = (report: CoverageReport, level: CatalogLevel): RequirementCoverage[] =>
  report.requirements.filter((r) => r.level === level && r.cases.length === 0)

/** Coverage for a terminal: totals by level and role, then the uncovered MUST, SHOULD and Contract ids. */
export function renderCoverageText(report: CoverageReport): string {
  const lines = [
    `requirement coverage: ${report.total.covered} of ${report.total.total} catalog requirements have a case (${percent(report.total)})`,
    `by level: ${levelsOf(report)
      .map((level) => `${levelName(level)} ${ratio(report.byLevel[level])}`)
      .join(', ')}`,
    `by role:  ${rolesOf(report)
      .map((role) => `${role} ${ratio(report.byRole[role])}`)
      .join(', ')}`,
  ]
  for (const level of LISTED) {
    const missing = uncovered(report, level)
    if (missing.length > 0)
      lines.push(
        `uncovered ${levelName(level)} (${missing.length}): ${missing.map((r) => r.id).join(', ')}`,
      )
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

/** Coverage as Markdown: tables by level and role, uncovered MUST and Contract ids, and every requirement in <details>. */
export function renderCoverageMarkdown(report: CoverageReport): string {
  const out = [
    '## Requirement coverage',
    '',
    `${report.total.covered} of ${report.total.total} catalog requirements have at least one case (${percent(report.total)}).`,
    '',
    mdTable(
      ['level', 'covered', 'total', '%'],
      levelsOf(report).map((l) => [
        levelName(l),
        String(report.byLevel[l].covered),
        String(report.byLevel[l].total),
        percent(report.byLevel[l]),
      ]),
      ['l', 'r', 'r', 'r'],
    ),
    '',
    mdTable(
      ['role', 'covered', 'total', '%'],
      rolesOf(report).map((r) => [
        r,
        String(report.byRole[r].covered),
        String(report.byRole[r].total),
        percent(report.byRole[r]),
      ]),
      ['l', 'r', 'r', 'r'],
    ),
  ]
  for (const level of ['MUST', 'CONTRACT'] as const) {
    const missing = uncovered(report, level)
    if (missing.length > 0)
      out.push(
        '',
        `**Uncovered ${levelName(level)} requirements (${missing.length}):** ${missing.map((r) => mdCode(r.id)).join(', ')}`,
      )
  }
  if (report.uncatalogued.length > 0) {
    out.push(
      '',
      `**Cited but not in the catalog:** ${report.uncatalogued.map((u) => `${mdCode(u.requirement)} (${u.cases.map(mdCode).join(', ')})`).join('; ')}`,
    )
  }
  const rows = report.requirements.map((r) => [
    mdCode(r.id),
    rowLevel(r),
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
