import { esc } from '../../html.js'
import { columnLabel, type Matrix, type MatrixCell, type MatrixColumn } from '../model.js'
import { numberNotes, notesTally, peerLabel, SIDE_LABEL, suitesOf } from '../notes.js'
import { SITE_JS, sitePage } from './assets.js'
import { CELL_STATUSES, peerPageName, STATUS_WORD, suiteAnchor, tallyOf } from './tally.js'

function reasonText(cell: MatrixCell): string {
  if (cell.reason !== undefined) return `${SIDE_LABEL[cell.reason.side]}: ${cell.reason.text}`
  return cell.status === 'info' ? 'informational' : 'not yet investigated'
}

function cellHtml(column: MatrixColumn, cell: MatrixCell | undefined, note?: number): string {
  const col = `data-col="${esc(column.key)}"`
  if (cell === undefined) return `<td class="cell na" ${col}>—</td>`
  const title = cell.status === 'pass' ? cell.message : `${cell.message} (${reasonText(cell)})`
  const sup = note === undefined ? '' : ` <a href="#note-${note}"><sup>${note}</sup></a>`
  return `<td class="cell ${cell.status}" ${col} data-status="${cell.status}" title="${esc(title)}"><a href="${esc(cell.href)}">${STATUS_WORD[cell.status]}</a>${sup}</td>`
}

function select(name: string, label: string, values: readonly string[]): string {
  const options = values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('')
  return `<label>${label} <select name="${name}"><option value="">all</option>${options}</select></label>`
}

function filtersHtml(matrix: Matrix): string {
  const unique = (values: readonly string[]): string[] => [...new Set(values)]
  const statuses = CELL_STATUSES.map(
    (s) => `<label><input type="checkbox" name="status" value="${s}" checked> ${s}</label>`,
  ).join(' ')
  return [
    // Hidden until the script runs: without JavaScript the page shows everything.
    '<form id="filters" hidden>',
    select('suite', 'suite', suitesOf(matrix)),
    select('role', 'role', unique(matrix.columns.map((c) => c.role))),
    select('level', 'level', unique(matrix.rows.map((r) => r.level))),
    select('peer', 'peer', unique(matrix.columns.map((c) => c.peer))),
    `<fieldset><legend>status</legend>${statuses}</fieldset>`,
    '<label><input type="checkbox" name="nonpass"> only non-pass</label>',
    '<label><input type="checkbox" name="diff"> only differences</label>',
    '<output id="shown"></output>',
    '</form>',
  ].join('\n')
}

function peersTable(matrix: Matrix): string {
  const rows = matrix.peers.map(
    (peer) =>
      `<tr><td><a href="${peerPageName(peer)}">${esc(peerLabel(peer))}</a></td><td>${esc(peer.version)}</td><td>${esc(peer.provider)} (${esc(peer.where)})</td><td>${esc(peer.roles.map((r) => r.role).join(', '))}</td><td><a href="${esc(peer.evidence)}">evidence</a></td></tr>`,
  )
  return [
    '<section id="peers"><h2>Peers</h2>',
    '<table><thead><tr><th>peer</th><th>version</th><th>started</th><th>roles</th><th>report</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table></section>',
  ].join('\n')
}

/**
 * The index of the site: the peers, the filters and one table of every case
 * (grouped by suite) by every peer and role, each cell linking to the case in
 * that peer's evidence report, and the numbered notes of the non-pass cells.
 */
export function renderIndexPage(matrix: Matrix): string {
  const notes = numberNotes(matrix)
  const header = matrix.columns.map((c) => {
    const t = tallyOf(matrix, c)
    return `<th class="col" data-col="${esc(c.key)}" data-peer="${esc(c.peer)}" data-role="${esc(c.role)}" title="${esc(columnLabel(c))}">${esc(c.peer)}<br>${esc(c.role)}${c.profile === undefined ? '' : `<br>(${esc(c.profile)})`}<br>${t.pass}/${t.total}</th>`
  })
  const body: string[] = []
  for (const suite of suitesOf(matrix)) {
    body.push(
      `<tr class="suite" data-suite="${esc(suite)}"><th colspan="${2 + matrix.columns.length}"><a href="suites.html#${suiteAnchor(suite)}">${esc(suite)}</a></th></tr>`,
    )
    for (const row of matrix.rows.filter((r) => r.suite === suite)) {
      const cells = matrix.columns.map((c) => {
        const cell = row.cells.get(c.key)
        return cellHtml(c, cell, cell === undefined ? undefined : notes.get(cell)?.n)
      })
      body.push(
        `<tr class="case" data-suite="${esc(row.suite)}" data-level="${esc(row.level)}"><td><code>${esc(row.id)}</code> ${esc(row.requirements.join(', '))}<br>${esc(row.title)}</td><td>${esc(row.level)}</td>${cells.join('')}</tr>`,
      )
    }
  }
  const noteItems = [...notes.values()].map((note) => {
    const reason =
      note.cell.reason === undefined
        ? note.cell.status === 'info'
          ? 'an observation of an informational case, not a violation'
          : '<span class="todo">not yet investigated</span>'
        : `<span class="side">${esc(SIDE_LABEL[note.cell.reason.side])}</span>: ${esc(note.cell.reason.text)}`
    return `<li id="note-${note.n}" value="${note.n}">${STATUS_WORD[note.cell.status]} ${esc(columnLabel(note.column))}, <a href="${esc(note.cell.href)}"><code>${esc(note.row.id)}</code></a>: ${esc(note.cell.message)}<br>${reason}</li>`
  })
  return sitePage({
    title: 'proxyspec: proxy conformance matrix',
    script: SITE_JS,
    body: [
      '<h1>Proxy conformance matrix</h1>',
      `<p>Generated by proxyspec ${esc(matrix.toolVersion)} on ${esc(matrix.generatedAt.slice(0, 10))}: ${matrix.rows.length} cases against ${matrix.columns.length} columns (a peer in a role). A cell links to its evidence (the bytes on both hops) in that peer's report; a numbered note says, for every cell that is not a pass, which side is wrong and why. <a href="suites.html">Counts by suite</a>; each peer's page lists its version and its configuration as run.</p>`,
      peersTable(matrix),
      '<h2 id="matrix">Cases</h2>',
      filtersHtml(matrix),
      `<table id="cases"><thead><tr><th>case</th><th>level</th>${header.join('')}</tr></thead><tbody>`,
      ...body,
      '</tbody></table>',
      `<h2 id="notes">Notes</h2><p>${esc(notesTally(notes.values()))}</p><ol>`,
      ...noteItems,
      '</ol>',
    ],
  })
}
