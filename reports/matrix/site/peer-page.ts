import { esc } from '../../html.js'
import type { PeerRunInfo } from '../model.js'
import { peerLabel } from '../notes.js'
import { sitePage } from './assets.js'
import { CELL_STATUSES } from './tally.js'

function runHtml(info: PeerRunInfo): string[] {
  const counts = info.run.summary.byStatus
  const tally = CELL_STATUSES.map(
    (s) => `<td class="n${counts[s] > 0 ? ` ${s}` : ''}">${counts[s]}</td>`,
  )
  const parts = [
    `<h2>${esc(info.roles.map((r) => r.role).join(', ') || 'no role started')}</h2>`,
    '<table><tbody>',
    `<tr><th>version</th><td>${esc(info.version)}</td></tr>`,
    `<tr><th>provider</th><td>${esc(info.provider)}</td></tr>`,
    `<tr><th>started from</th><td><code>${esc(info.where)}</code></td></tr>`,
    `<tr><th>target</th><td><code>${esc(info.run.target.label)}</code></td></tr>`,
    `<tr><th>evidence</th><td><a href="${esc(info.evidence)}">${esc(info.evidence)}</a> (every case with the bytes on both hops)</td></tr>`,
    '</tbody></table>',
    `<table><thead><tr>${CELL_STATUSES.map((s) => `<th>${s}</th>`).join('')}</tr></thead><tbody><tr>${tally.join('')}</tr></tbody></table>`,
  ]
  for (const role of info.roles) {
    const from =
      role.templates.length === 0
        ? ''
        : ` from ${role.templates.map((t) => `<code>test-fixtures/peers/${esc(t)}</code>`).join(' and ')}`
    parts.push(`<h3>Configuration for ${esc(role.role)}${from}, as run</h3>`)
    if (role.files.length === 0)
      parts.push('<p>No configuration file: command-line options only.</p>')
    for (const file of role.files)
      parts.push(`<h4><code>${esc(file.name)}</code></h4><pre>${esc(file.content.trimEnd())}</pre>`)
  }
  return parts
}

/** One peer (in one profile): each run of it for the matrix, its version, provider and configs as run. */
export function renderPeerPage(runs: readonly PeerRunInfo[]): string {
  const first = runs[0]
  const label = first === undefined ? 'peer' : peerLabel(first)
  return sitePage({
    title: `proxyspec matrix: ${label}`,
    body: [
      `<h1>${esc(label)}</h1>`,
      first === undefined
        ? ''
        : `<p><a href="index.html?peer=${encodeURIComponent(first.peer)}">Its cells in the matrix</a>, <a href="index.html?peer=${encodeURIComponent(first.peer)}&amp;nonpass=1">those that are not a pass</a>.</p>`,
      ...runs.flatMap(runHtml),
    ],
  })
}
