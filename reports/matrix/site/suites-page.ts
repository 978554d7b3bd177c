import { esc } from '../../html.js'
import { columnLabel, type Matrix } from '../model.js'
import { suitesOf } from '../notes.js'
import { sitePage } from './assets.js'
import { CELL_STATUSES, peerPageName, suiteAnchor, tallyOf, type Tally } from './tally.js'

/** "12/15", coloured by the worst of the column's cells in that suite. */
function ratioCell(t: Tally): string {
  if (t.total === 0) return '<td class="n na">—</td>'
  const worst =
    t.fail + t.error > 0
      ? 'fail'
      : t.warn + t.timeout > 0
        ? 'warn'
        : t.pass === t.total
          ? 'pass'
          : 'info'
  return `<td class="n ${worst}">${t.pass}/${t.total}</td>`
}

/**
 * The per-suite summary: passes out of cases for every peer role and suite at
 * a glance, then each suite's counts by status, a row per peer role.
 */
export function renderSuitesPage(matrix: Matrix): string {
  const suites = suitesOf(matrix)
  const peerOf = new Map(matrix.peers.map((p) => [`${p.peer}:${p.profile ?? ''}`, p]))
  const label = (c: (typeof matrix.columns)[number]): string => {
    const info = peerOf.get(`${c.peer}:${c.profile ?? ''}`)
    const text = esc(columnLabel(c))
    return info === undefined ? text : `<a href="${peerPageName(info)}">${text}</a>`
  }
  const overview = matrix.columns.map(
    (c) =>
      `<tr><th>${label(c)}</th>${suites.map((s) => ratioCell(tallyOf(matrix, c, s))).join('')}</tr>`,
  )
  const sections = suites.flatMap((suite) => {
    const rows = matrix.columns.flatMap((c) => {
      const t = tallyOf(matrix, c, suite)
      if (t.total === 0) return []
      return [
        `<tr data-col="${esc(c.key)}"><th>${label(c)}</th>${CELL_STATUSES.map((s) => `<td class="n${t[s] > 0 ? ` ${s}` : ''}">${t[s]}</td>`).join('')}<td class="n">${t.total}</td></tr>`,
      ]
    })
    const cases = matrix.rows.filter((r) => r.suite === suite).length
    return [
      `<h2 id="${suiteAnchor(suite)}">${esc(suite)}</h2>`,
      `<p>${cases} cases: <a href="index.html?suite=${encodeURIComponent(suite)}">in the matrix</a>.</p>`,
      `<table><thead><tr><th>peer role</th>${CELL_STATUSES.map((s) => `<th>${s}</th>`).join('')}<th>cases run</th></tr></thead><tbody>`,
      ...rows,
      '</tbody></table>',
    ]
  })
  return sitePage({
    title: 'proxyspec: the matrix by suite',
    body: [
      '<h1>The matrix by suite</h1>',
      '<p>Passes out of the cases each peer role ran, per suite (green: all pass; red: a failure or an error; yellow: a warning or a timeout; blue: the rest is informational or unsupported).</p>',
      `<table id="overview"><thead><tr><th>peer role</th>${suites.map((s) => `<th><a href="#${suiteAnchor(s)}">${esc(s)}</a></th>`).join('')}</tr></thead><tbody>`,
      ...overview,
      '</tbody></table>',
      ...sections,
    ],
  })
}
