import { visibleText } from './bytes.js'
import type { CaseChange, DiffStatus, RunDiff } from './diff.js'
import { mdCode, mdTable, mdText } from './markdown.js'
import { STATUS_LABEL } from './status.js'

const label = (status: DiffStatus): string => (status === 'absent' ? '—' : STATUS_LABEL[status])

interface Section {
  readonly title: string
  readonly changes: readonly CaseChange[]
}

function sections(diff: RunDiff): Section[] {
  return [
    { title: 'New failures', changes: diff.newFailures },
    { title: 'Fixes', changes: diff.fixes },
    { title: 'Changed verdicts', changes: diff.changedVerdicts },
    { title: 'Added', changes: diff.added },
    { title: 'Removed', changes: diff.removed },
    { title: 'Flaky in the new run', changes: diff.flaky },
  ]
}

function headline(diff: RunDiff): string {
  const counts = [
    `${diff.newFailures.length} new failure${diff.newFailures.length === 1 ? '' : 's'}`,
    `${diff.fixes.length} fixed`,
    `${diff.changedVerdicts.length} changed`,
    `${diff.added.length} added`,
    `${diff.removed.length} removed`,
    `${diff.unchanged} unchanged`,
    ...(diff.flaky.length > 0 ? [`${diff.flaky.length} flaky`] : []),
  ]
  return counts.join(', ')
}

const runName = (ref: RunDiff['base']): string =>
  `${ref.label} (run ${ref.runId}, ${ref.startedAt})`

/** The diff for a terminal: one line per changed case, new failures first. */
export function renderDiffText(diff: RunDiff): string {
  const lines = [
    `base: ${visibleText(runName(diff.base))}`,
    `head: ${visibleText(runName(diff.head))}`,
    `${diff.hasNewMustFailure ? 'NEW MUST FAILURE' : 'no new MUST failure'}: ${headline(diff)}`,
  ]
  for (const section of sections(diff)) {
    if (section.changes.length === 0) continue
    lines.push('', `${section.title} (${section.changes.length}):`)
    for (const c of section.changes) {
      const declared = c.declared ? ' [declared deviation]' : ''
      lines.push(
        `  ${label(c.from).padEnd(11)} → ${label(c.to).padEnd(11)} ${c.level.padEnd(6)} ${c.key}${declared}`,
        ...(c.to === 'pass' || c.to === 'absent'
          ? []
          : [`      ${visibleText(c.message).replace(/\s+/g, ' ')}`]),
      )
    }
  }
  return `${lines.join('\n')}\n`
}

export interface DiffMarkdownOptions {
  /** Heading level of the section title (2 for a PR comment, 3 inside a report). @default 2 */
  readonly headingLevel?: 2 | 3
}

/** The diff as Markdown for a PR comment or a step summary; unchanged cases are only counted. */
export function renderDiffMarkdown(diff: RunDiff, options: DiffMarkdownOptions = {}): string {
  const h = '#'.repeat(options.headingLevel ?? 2)
  const verdict = diff.hasNewMustFailure ? '❌ new MUST failure' : '✅ no new MUST failure'
  const out = [
    `${h} Regressions: ${verdict}`,
    '',
    `Base ${mdCode(diff.base.label)} (run ${mdText(diff.base.runId)}) → head ${mdCode(diff.head.label)} (run ${mdText(diff.head.runId)}): ${headline(diff)}.`,
  ]
  for (const section of sections(diff)) {
    if (section.changes.length === 0) continue
    const rows = section.changes.map((c) => [
      mdCode(c.id),
      c.role,
      c.level,
      `${label(c.from)} → ${label(c.to)}${c.declared ? ' (declared)' : ''}`,
      c.to === 'pass' || c.to === 'absent' ? '' : mdText(c.message),
    ])
    out.push(
      '',
      `${h}# ${section.title} (${section.changes.length})`,
      '',
      mdTable(['case', 'role', 'level', 'verdict', 'message'], rows),
    )
  }
  return `${out.join('\n')}\n`
}
