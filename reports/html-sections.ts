import { LEVELS } from '../harness/engine/model/level.js'
import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import { STATUSES, type Status } from '../harness/engine/model/verdict.js'
import type { CaseChange, RunDiff } from './diff.js'
import { caseAnchor } from './html-case.js'
import { esc } from './html.js'
import { levelRows, runVerdict, suiteRows, type StatusCounts } from './report-facts.js'
import { STATUS_LABEL } from './status.js'
import { unattributedLine } from './unattributed.js'

export function headerHtml(run: RunResult, strict: boolean): string {
  const { target } = run
  const verdict = runVerdict(run, strict)
  const facts: [string, string][] = [
    ['Target', `${target.label} (${target.kind})`],
    ['Roles', target.roles.join(', ')],
    [
      'Results',
      `${run.summary.total} in ${(run.run.durationMs / 1000).toFixed(1)} s${strict ? ', strict (SHOULD counts)' : ''}`,
    ],
    ['Started', run.run.startedAt],
    [
      'Run',
      `${run.run.id}, proxyspec ${run.tool.version}, Node ${run.run.node}, ${run.run.platform}`,
    ],
  ]
  return [
    '<header>',
    `<h1>proxyspec report: ${esc(target.label)}</h1>`,
    `<p class="headline verdict-${verdict.kind}">${esc(verdict.text)}</p>`,
    `<dl class="meta">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`,
    '</header>',
  ].join('\n')
}

function countsTable(
  caption: string,
  rows: readonly { key: string; counts: StatusCounts; total: number }[],
): string {
  const head = `<tr><th>${esc(caption)}</th>${STATUSES.map((s) => `<th><span class="badge s-${s}">${esc(STATUS_LABEL[s])}</span></th>`).join('')}<th>total</th></tr>`
  const body = rows.map((row) => {
    const cells = STATUSES.map(
      (s) => `<td class="${row.counts[s] === 0 ? 'zero' : ''}">${row.counts[s]}</td>`,
    ).join('')
    return `<tr class="${row.key === '' ? 'total' : ''}"><td>${esc(row.key === '' ? 'total' : row.key)}</td>${cells}<td>${row.total}</td></tr>`
  })
  return `<table class="counts"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`
}

export function summaryHtml(run: RunResult): string {
  const suites = suiteRows(run).map((r) => ({ key: r.suite, counts: r.counts, total: r.total }))
  const levels = levelRows(run).map((r) => ({ key: r.level, counts: r.counts, total: r.total }))
  return [
    '<section id="summary"><h2>Summary</h2>',
    countsTable('suite', suites),
    countsTable('level', levels),
    '</section>',
  ].join('\n')
}

function changeItem(change: CaseChange, present: boolean): string {
  const from = change.from === 'absent' ? 'absent' : STATUS_LABEL[change.from]
  const to = change.to === 'absent' ? 'absent' : STATUS_LABEL[change.to]
  const name = `<code>${esc(change.id)}</code> [${esc(change.role)}]`
  const target = present ? `<a href="#${caseAnchor(change)}">${name}</a>` : name
  const declared = change.declared ? ' <span class="tag declared">declared deviation</span>' : ''
  return `<li>${target} ${esc(change.level)}: ${esc(from)} → ${esc(to)}${declared}</li>`
}

export function regressionsHtml(diff: RunDiff): string {
  const groups: [string, readonly CaseChange[], boolean][] = [
    ['New failures', diff.newFailures, true],
    ['Fixes', diff.fixes, true],
    ['Changed verdicts', diff.changedVerdicts, true],
    ['Added', diff.added, true],
    ['Removed', diff.removed, false],
  ]
  const verdict = diff.hasNewMustFailure
    ? 'New MUST failure against the baseline'
    : 'No new MUST failure against the baseline'
  return [
    '<section id="regressions"><h2>Regressions</h2>',
    `<p class="headline verdict-${diff.hasNewMustFailure ? 'fail' : 'ok'}">${esc(verdict)}</p>`,
    `<p>Baseline: ${esc(diff.base.label)} (run ${esc(diff.base.runId)}, ${esc(diff.base.startedAt)}); ${diff.unchanged} unchanged.</p>`,
    ...groups
      .filter(([, changes]) => changes.length > 0)
      .map(
        ([title, changes, present]) =>
          `<h3>${esc(title)} (${changes.length})</h3><ul class="changes">${changes.map((c) => changeItem(c, present)).join('')}</ul>`,
      ),
    '</section>',
  ].join('\n')
}

/** The filter form: hidden until the script shows it, since it does nothing without JS. */
export function filtersHtml(run: RunResult, withChanges: boolean): string {
  const present = new Set<Status>(run.results.map((r) => r.verdict.status))
  const statuses = STATUSES.filter((s) => present.has(s))
    .map(
      (s) =>
        `<label><input type="checkbox" name="status" value="${s}" checked> ${esc(STATUS_LABEL[s])} (${run.summary.byStatus[s]})</label>`,
    )
    .join('')
  const suites = [...new Set(run.results.map((r) => r.suite))]
    .map((s) => `<option value="${esc(s)}">${esc(s)}</option>`)
    .join('')
  const levels = LEVELS.map((l) => `<option value="${l}">${l}</option>`).join('')
  return [
    '<form id="filters" hidden>',
    `<fieldset><legend class="mono">verdict</legend>${statuses}</fieldset>`,
    `<label>suite <select name="suite"><option value="">all</option>${suites}</select></label>`,
    `<label>level <select name="level"><option value="">all</option>${levels}</select></label>`,
    '<label>text <input type="search" name="q" placeholder="id, title, requirement, message"></label>',
    withChanges
      ? '<label><input type="checkbox" name="changed"> changed against the baseline only</label>'
      : '',
    '<span class="toolbar"><button type="button" data-preset="problems">problems only</button><button type="button" data-preset="all">all verdicts</button>',
    '<button type="button" data-open="true">expand shown</button><button type="button" data-open="false">collapse</button></span>',
    '<output id="shown"></output>',
    '</form>',
  ].join('\n')
}

export function declaredHtml(results: readonly CaseResult[]): string {
  const declared = results.filter((r) => r.declared !== undefined)
  if (declared.length === 0) return ''
  const items = declared.map((r) => {
    const d = r.declared!
    const state =
      d.expired === true
        ? 'expired, counts again'
        : d.unexpectedPass === true
          ? 'passes now: remove the declaration'
          : 'excused'
    return `<li><a href="#${caseAnchor(r)}"><code>${esc(r.id)}</code> [${esc(r.role)}]</a> ${esc(STATUS_LABEL[r.verdict.status])}, ${esc(state)}: ${esc(d.reason)}${d.expires === undefined ? '' : ` (until ${esc(d.expires)})`}</li>`
  })
  return `<section id="declared"><h2>Declared deviations (${declared.length})</h2><ul class="changes">${items.join('')}</ul></section>`
}

/** Origin traffic no case token names (RunResult.unattributedOrigin); empty when there was none. */
export function unattributedHtml(run: RunResult): string {
  const u = run.unattributedOrigin
  if (u === undefined || u.total === 0) return ''
  const items = u.events.map((e) => {
    const link = e.case === undefined ? '' : ` <a href="#${caseAnchor(e.case)}">evidence</a>`
    return `<li>${esc(unattributedLine(e))}${link}</li>`
  })
  const more =
    u.events.length < u.total
      ? `<p class="notes">${u.total - u.events.length} more not listed.</p>`
      : ''
  return `<section id="unattributed-origin"><h2>Unattributed origin traffic (${u.total})</h2><p class="notes">What the harness origin received that no case token names. An entry on a connection that earlier carried a case's request is attributed to that case (a pooled upstream connection desynchronised by its bytes).</p><ul class="changes">${items.join('')}</ul>${more}</section>`
}

export function stderrHtml(run: RunResult): string {
  const stderr = run.target.stderr
  if (stderr === undefined || stderr === '') return ''
  return `<section id="stderr"><h2>Target stderr</h2><pre class="text">${esc(stderr)}</pre></section>`
}
