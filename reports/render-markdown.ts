import { LEVELS } from '../harness/engine/model/level.js'
import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import { STATUSES } from '../harness/engine/model/verdict.js'
import { countsAgainst, isExcused } from '../harness/engine/model/declared.js'
import type { RunDiff } from './diff.js'
import { balanceLines } from './balance-text.js'
import { evidenceText } from './evidence-text.js'
import { mdCode, mdDetails, mdFence, mdLink, mdTable, mdText } from './markdown.js'
import { renderDiffMarkdown } from './render-diff.js'
import { runVerdict, suiteRows } from './report-facts.js'
import { STATUS_LABEL } from './status.js'
import { unattributedLine } from './unattributed.js'

export interface MarkdownOptions {
  /** Counts SHOULD warnings and timeouts as failures. @default run.run.options.strict */
  readonly strict?: boolean
  /** Adds a regressions section (from diffRuns(baseline, run)). */
  readonly diff?: RunDiff
  /** Cases shown with their evidence; the rest are listed in one line each. @default 20 */
  readonly maxDetailed?: number
  /** Evidence characters per case. @default 3000 */
  readonly maxEvidenceChars?: number
  /**
   * The whole document's size limit in characters: GitHub takes 65,536 in a
   * PR comment (a step summary takes 1 MiB). Over it, fewer cases keep their
   * evidence, then the document is cut at a line with a note. @default 60000
   */
  readonly maxChars?: number
}

const ICON = { ok: '✅', fail: '❌', incomplete: '⚠️' } as const

function specLinks(result: CaseResult): string {
  return result.spec.map((link) => mdLink(`RFC ${link.rfc} §${link.section}`, link.url)).join(', ')
}

function caseHeading(result: CaseResult): string {
  return `${mdCode(result.id)} [${result.role}]`
}

function detailed(result: CaseResult, maxChars: number): string {
  const { verdict } = result
  const lines = [
    `#### ${STATUS_LABEL[verdict.status]} ${caseHeading(result)}`,
    '',
    mdText(result.title),
    '',
    `- **Requirement** ${result.requirements.map(mdCode).join(', ')} (${result.level}): ${mdText(result.requirement)}`,
    `- **Spec** ${specLinks(result)}`,
  ]
  if (verdict.expected !== undefined || verdict.observed !== undefined) {
    lines.push(
      `- **Expected** ${mdText(verdict.expected ?? '')}`,
      `- **Observed** ${mdText(verdict.observed ?? '')}`,
    )
  } else {
    lines.push(`- **Verdict** ${mdText(verdict.message)}`)
  }
  if (verdict.error?.code !== undefined)
    lines.push(`- **Error code** ${mdCode(verdict.error.code)}`)
  for (const line of balanceLines(result.balance)) lines.push(`- **Balance** ${mdText(line)}`)
  if (result.declared?.expired === true) {
    lines.push(
      `- **Declared deviation expired** ${mdText(result.declared.expires ?? '')}: ${mdText(result.declared.reason)}`,
    )
  }
  const events = result.evidence.events.length
  if (events > 0 || result.evidence.notes.length > 0) {
    const summary = `Evidence (${events} wire event${events === 1 ? '' : 's'})`
    lines.push(
      '',
      mdDetails(
        summary,
        mdFence(evidenceText(result.evidence, { maxChars, maxBytesPerEvent: 1024 })),
      ),
    )
  }
  return lines.join('\n')
}

function oneLine(result: CaseResult): string {
  return `- ${STATUS_LABEL[result.verdict.status]} ${caseHeading(result)} ${result.level}: ${mdText(result.verdict.message)}`
}

/** Detailed entries while the budget lasts, then one line each, so a comment stays within GitHub's limits. */
function listing(
  title: string,
  results: readonly CaseResult[],
  budget: { left: number },
  maxChars: number,
): string[] {
  if (results.length === 0) return []
  const out = ['', `### ${title} (${results.length})`, '']
  const rest: CaseResult[] = []
  for (const result of results) {
    if (budget.left > 0) {
      out.push(detailed(result, maxChars), '')
      budget.left -= 1
    } else {
      rest.push(result)
    }
  }
  if (rest.length > 0)
    out.push(`${rest.length} more (details in the HTML report):`, '', ...rest.map(oneLine))
  return out
}

function declaredSection(results: readonly CaseResult[]): string[] {
  const declared = results.filter((r) => r.declared !== undefined && r.declared.expired !== true)
  if (declared.length === 0) return []
  return [
    '',
    `### Declared deviations (${declared.length})`,
    '',
    ...declared.map((r) => {
      const d = r.declared!
      const state =
        d.unexpectedPass === true
          ? 'now PASSES (remove the declaration)'
          : `${STATUS_LABEL[r.verdict.status]}, excused`
      const expires = d.expires === undefined ? '' : ` (until ${d.expires})`
      return `- ${caseHeading(r)} ${r.level}: ${state}${expires}: ${mdText(d.reason)}`
    }),
  ]
}

/** Origin traffic no case token names, one line each (bounded like the report). */
function unattributedSection(run: RunResult): string[] {
  const u = run.unattributedOrigin
  if (u === undefined || u.total === 0) return []
  const shown = u.events.slice(0, 20)
  return [
    '',
    `### Unattributed origin traffic (${u.total})`,
    '',
    ...shown.map((e) => `- ${mdText(unattributedLine(e))}`),
    ...(u.total > shown.length ? [`- … ${u.total - shown.length} more in the JSON report`] : []),
  ]
}

function flakySection(results: readonly CaseResult[]): string[] {
  const flaky = results.filter((r) => r.flaky !== undefined)
  if (flaky.length === 0) return []
  return [
    '',
    `### Flaky (${flaky.length}): the verdict varied between attempts`,
    '',
    ...flaky.map(
      (r) =>
        `- ${caseHeading(r)} ${r.level}: ${(r.flaky?.statuses ?? []).map((s) => STATUS_LABEL[s]).join(', ')}`,
    ),
  ]
}

/**
 * A compact Markdown summary for a GitHub step summary or a PR comment: a
 * suite × status table, then blocking failures (MUST first) with requirement,
 * spec link, expected/observed and evidence in <details>, then harness errors,
 * warnings, observations and declared deviations; a regressions section when
 * given a diff. Pure: returns the document.
 */
export function renderMarkdown(run: RunResult, options: MarkdownOptions = {}): string {
  const limit = options.maxChars ?? 60_000
  const most = options.maxDetailed ?? 20
  let text = ''
  for (const detailed of [most, 10, 5, 2, 0].filter((n, i) => i === 0 || n < most)) {
    text = renderOnce(run, { ...options, maxDetailed: detailed })
    if (text.length <= limit) return text
  }
  const note = '\n\n… cut to fit the size limit; every case is in the HTML and JSON reports.\n'
  const cut = text.lastIndexOf('\n', limit - note.length)
  return `${text.slice(0, Math.max(0, cut)).trimEnd()}${note}`
}

function renderOnce(run: RunResult, options: MarkdownOptions): string {
  const strict = options.strict ?? run.run.options.strict
  const maxChars = options.maxEvidenceChars ?? 3000
  const budget = { left: options.maxDetailed ?? 20 }
  const byLevel = (a: CaseResult, b: CaseResult): number =>
    LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level)
  const blocking = run.results.filter((r) => countsAgainst(r, strict)).sort(byLevel)
  const errors = run.results.filter((r) => r.verdict.status === 'error')
  const warnings = run.results.filter(
    (r) =>
      (r.verdict.status === 'warn' || r.verdict.status === 'timeout') &&
      !countsAgainst(r, strict) &&
      !isExcused(r),
  )
  const infos = run.results.filter((r) => r.verdict.status === 'info')
  const statuses = STATUSES.filter(
    (s) => run.summary.byStatus[s] > 0 || s === 'pass' || s === 'fail',
  )
  const rows = suiteRows(run).map((row) => [
    row.suite === '' ? '**total**' : mdCode(row.suite),
    ...statuses.map((s) => String(row.counts[s])),
  ])
  const { target } = run
  const verdict = runVerdict(run, strict)
  const out = [
    `## proxyspec: ${ICON[verdict.kind]} ${mdText(verdict.text)}`,
    '',
    `Target ${mdCode(target.label)} (${target.kind}), role${target.roles.length === 1 ? '' : 's'} ${target.roles.join(', ')}: ${run.summary.total} results in ${(run.run.durationMs / 1000).toFixed(1)} s${strict ? ', strict' : ''}. proxyspec ${mdText(run.tool.version)}, run ${mdText(run.run.id)}.`,
    '',
    mdTable(['suite', ...statuses.map((s) => STATUS_LABEL[s])], rows, [
      'l',
      ...statuses.map(() => 'r' as const),
    ]),
  ]
  if (options.diff !== undefined)
    out.push('', renderDiffMarkdown(options.diff, { headingLevel: 3 }).trimEnd())
  out.push(
    ...listing(
      strict ? 'Failures (MUST, and SHOULD under strict)' : 'MUST failures',
      blocking,
      budget,
      maxChars,
    ),
    ...listing('Harness errors', errors, budget, maxChars),
    ...listing('Warnings (SHOULD)', warnings, budget, maxChars),
  )
  if (infos.length > 0)
    out.push('', `### Observations (INFO, ${infos.length})`, '', ...infos.map(oneLine))
  out.push(
    ...declaredSection(run.results),
    ...flakySection(run.results),
    ...unattributedSection(run),
  )
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`
}
