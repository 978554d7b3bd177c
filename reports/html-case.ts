import type { Hop, WireEvent } from '../harness/engine/model/evidence.js'
import type { CaseResult } from '../harness/engine/model/run-result.js'
import { decodeBytes } from './bytes.js'
import { isExcused } from '../harness/engine/model/declared.js'
import type { CaseChange } from './diff.js'
import { eventHeadline } from './evidence-text.js'
import { balanceHtml } from './html-balance.js'
import { bytesHtml, esc, link, slug } from './html.js'
import { packed } from './html-pack.js'
import { STATUS_LABEL } from './status.js'

/** The anchor of a case result in the page. */
export function caseAnchor(result: Pick<CaseResult, 'id' | 'role'>): string {
  return `case-${slug(result.id)}--${slug(result.role)}`
}

export type ChangeKind = 'new-failure' | 'fixed' | 'changed' | 'added'

export interface CaseChangeMark {
  readonly kind: ChangeKind
  readonly change: CaseChange
}

const HOP_TITLE: Record<Hop, string> = {
  client: 'Client hop: harness client ↔ target',
  origin: 'Origin hop: target ↔ harness origin or CONNECT endpoint',
}

function eventHtml(event: WireEvent, maxBytes: number): string {
  const cls = `event ${event.dir ?? 'meta'}`
  if (event.base64 === undefined)
    return `<div class="${cls}"><div class="head mono">${esc(eventHeadline(event))}</div></div>`
  const bytes = decodeBytes(event.base64, maxBytes)
  const omitted =
    bytes.omitted > 0
      ? `<div class="omitted">… ${bytes.omitted} more bytes not shown (see the JSON report)</div>`
      : ''
  return [
    `<div class="${cls}"><div class="head mono">${esc(eventHeadline(event, bytes.byteLength))}</div>`,
    `<pre class="bytes">${bytesHtml(bytes.text)}</pre>${omitted}</div>`,
  ].join('')
}

function hopsHtml(result: CaseResult, maxBytes: number): string {
  const { events, notes } = result.evidence
  if (events.length === 0 && notes.length === 0)
    return '<p class="empty">No wire evidence recorded for this case.</p>'
  const column = (hop: Hop): string => {
    const mine = events.filter((e) => e.hop === hop)
    const body =
      mine.length === 0
        ? '<div class="event empty">nothing on this hop</div>'
        : mine.map((e) => eventHtml(e, maxBytes)).join('\n')
    return `<section class="hop hop-${hop}"><h4>${esc(HOP_TITLE[hop])}</h4>\n${body}\n</section>`
  }
  const notesHtml =
    notes.length === 0
      ? ''
      : `<ul class="notes">${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`
  return `<div class="hops">\n${column('client')}\n${column('origin')}\n</div>${notesHtml}`
}

function tags(result: CaseResult, mark: CaseChangeMark | undefined): string {
  const out: string[] = []
  if (mark !== undefined) {
    const { from, to } = mark.change
    const text = {
      'new-failure': 'new failure',
      fixed: 'fixed',
      changed: 'changed',
      added: 'new case',
    }[mark.kind]
    const was = from === 'absent' ? '' : ` (was ${STATUS_LABEL[from]})`
    out.push(
      `<span class="tag ${mark.kind}" title="${esc(`${from} → ${to}`)}">${esc(text + was)}</span>`,
    )
  }
  const declared = result.declared
  if (declared?.expired === true) out.push('<span class="tag expired">declaration expired</span>')
  else if (declared?.unexpectedPass === true)
    out.push('<span class="tag unexpected-pass">unexpected pass</span>')
  else if (declared !== undefined && isExcused(result))
    out.push('<span class="tag declared">declared deviation</span>')
  if (result.flaky !== undefined) {
    const seen = result.flaky.statuses.map((s) => STATUS_LABEL[s]).join(', ')
    out.push(`<span class="tag flaky" title="${esc(`attempts: ${seen}`)}">flaky</span>`)
  }
  return out.join('')
}

function row(term: string, html: string): string {
  return `<dt>${esc(term)}</dt><dd>${html}</dd>`
}

function detailsList(result: CaseResult): string {
  const { verdict, declared } = result
  const rows = [
    row('Verdict', `${esc(STATUS_LABEL[verdict.status])}: ${esc(verdict.message)}`),
    row(
      'Requirement',
      `<span class="mono">${esc(result.requirements.join(', '))}</span> (${esc(result.level)}): ${esc(result.requirement)}`,
    ),
    row('Spec', result.spec.map((s) => link(`RFC ${s.rfc} §${s.section}`, s.url)).join(', ')),
  ]
  if (verdict.expected !== undefined) rows.push(row('Expected', esc(verdict.expected)))
  if (verdict.observed !== undefined) rows.push(row('Observed', esc(verdict.observed)))
  if (declared !== undefined) {
    const until = declared.expires === undefined ? '' : ` (until ${esc(declared.expires)})`
    rows.push(row('Declared deviation', `${esc(declared.reason)}${until}`))
  }
  if (result.flaky !== undefined) {
    const seen = result.flaky.statuses.map((s) => STATUS_LABEL[s]).join(', ')
    rows.push(
      row('Flaky', `verdict varied over ${result.flaky.statuses.length} attempts: ${esc(seen)}`),
    )
  }
  rows.push(row('Role', esc(result.role)), row('Duration', `${result.durationMs} ms`))
  const error = verdict.error
  const stack =
    error === undefined
      ? ''
      : `<pre class="text">${esc([`${error.name}${error.code === undefined ? '' : ` [${error.code}]`}: ${error.message}`, error.stack ?? ''].join('\n'))}</pre>`
  return `<dl>${rows.join('')}</dl>${stack}`
}

/**
 * One case as a <details> element: readable without JS; the data attributes
 * are what the filter script matches on.
 */
export function caseHtml(
  result: CaseResult,
  mark: CaseChangeMark | undefined,
  maxBytes: number,
): string {
  const status = result.verdict.status
  const text = [
    result.id,
    result.role,
    result.title,
    result.level,
    status,
    ...result.requirements,
    result.verdict.message,
    result.declared?.reason ?? '',
    result.flaky === undefined ? '' : 'flaky',
  ]
    .join(' ')
    .toLowerCase()
  const classes = [
    'case',
    `st-${status}`,
    mark?.kind === 'new-failure' ? 'regressed' : '',
    mark?.kind === 'fixed' ? 'fixed' : '',
  ]
  const attrs = [
    `id="${caseAnchor(result)}"`,
    `class="${classes.filter((c) => c !== '').join(' ')}"`,
    `data-status="${esc(status)}"`,
    `data-suite="${esc(result.suite)}"`,
    `data-level="${esc(result.level)}"`,
    `data-role="${esc(result.role)}"`,
    `data-text="${esc(text)}"`,
    ...(mark === undefined ? [] : [`data-change="${mark.kind}"`]),
  ]
  return [
    `<details ${attrs.join(' ')}>`,
    `<summary><span class="badge s-${status}">${esc(STATUS_LABEL[status])}</span> <span class="level">${esc(result.level)}</span> <code>${esc(result.id)}</code> <span class="role">[${esc(result.role)}]</span>${tags(result, mark)}<span class="title">${esc(result.title)}</span></summary>`,
    `<div class="case-body">${packed(`${detailsList(result)}${balanceHtml(result.balance, caseAnchor(result))}${hopsHtml(result, maxBytes)}`)}</div>`,
    '</details>',
  ].join('\n')
}
