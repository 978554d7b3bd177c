// The balance evidence of a case as inline SVG: no script, no external asset,
// no inline style (the page's CSP allows only its hashed <style>), colours from
// the page's CSS variables so both colour schemes read. Each chart is an
// <svg role="img"> with <title> and <desc>, and its numbers are also a table.
import type {
  BalanceDistribution,
  BalanceEvidence,
  BalanceRequest,
  BalanceRequestOutcome,
  BalanceTimeline,
} from '../harness/engine/model/balance.js'
import { countText, distributionLine, shareText, testText, timelineLine } from './balance-text.js'
import { esc } from './html.js'

/** Coordinates with at most one decimal, so the markup stays short and stable. */
const n = (v: number): string => String(Math.round(v * 10) / 10)

function svgOpen(id: string, width: number, height: number, title: string, desc: string): string {
  return [
    `<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${esc(title)}</title>`,
    `<desc id="${id}-desc">${esc(desc)}</desc>`,
  ].join('')
}

function dataTable(caption: string, head: readonly string[], rows: readonly string[][]): string {
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')
  return `<details class="chart-data"><summary>${esc(caption)}</summary><table class="counts"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></details>`
}

const DIST = { width: 640, label: 96, bars: 300, row: 34, top: 6, bottom: 22 }

/** One bar pair per backend: observed share (solid) over expected share (outlined), counts as text. */
export function distributionHtml(d: BalanceDistribution, id: string): string {
  const observedTotal = d.backends.reduce((s, b) => s + b.observed, 0)
  const expectedTotal = d.backends.reduce((s, b) => s + b.expected, 0)
  const share = (v: number, total: number): number => (total === 0 ? 0 : v / total)
  const top = Math.max(
    0.01,
    ...d.backends.flatMap((b) => [
      share(b.observed, observedTotal),
      share(b.expected, expectedTotal),
    ]),
  )
  const scale = DIST.bars / top
  const height = DIST.top + DIST.row * d.backends.length + DIST.bottom
  const x0 = DIST.label
  const rows = d.backends.map((b, i) => {
    const y = DIST.top + i * DIST.row
    const obs = share(b.observed, observedTotal)
    const exp = share(b.expected, expectedTotal)
    const text = `${countText(b.observed)} (${shareText(b.observed, observedTotal)}) / expected ${countText(b.expected)} (${shareText(b.expected, expectedTotal)})`
    return [
      `<g class="backend">`,
      `<text class="lane-label" x="${x0 - 6}" y="${n(y + 16)}" text-anchor="end">${esc(b.name)}</text>`,
      `<rect class="bar-observed" x="${x0}" y="${n(y + 3)}" width="${n(Math.max(obs * scale, 1))}" height="13"><title>${esc(`${b.name} observed ${text}`)}</title></rect>`,
      `<rect class="bar-expected" x="${x0}" y="${n(y + 18)}" width="${n(Math.max(exp * scale, 1))}" height="9"><title>${esc(`${b.name} expected ${countText(b.expected)}`)}</title></rect>`,
      `<text class="bar-text" x="${x0 + DIST.bars + 8}" y="${n(y + 16)}">${esc(text)}</text>`,
      `</g>`,
    ].join('')
  })
  const legendY = height - 6
  const legend = [
    `<rect class="bar-observed" x="${x0}" y="${legendY - 9}" width="12" height="9"/>`,
    `<text class="axis" x="${x0 + 16}" y="${legendY}">observed share (${countText(observedTotal)} requests)</text>`,
    `<rect class="bar-expected" x="${x0 + 230}" y="${legendY - 9}" width="12" height="9"/>`,
    `<text class="axis" x="${x0 + 246}" y="${legendY}">expected share</text>`,
  ].join('')
  const line = distributionLine(d)
  const caption =
    d.test === undefined
      ? `${d.title}: observed / expected requests per backend`
      : `${d.title}: ${testText(d.test)}`
  return [
    `<figure class="chart chart-distribution" id="${id}">`,
    svgOpen(id, DIST.width, height, d.title, `Observed / expected requests per backend: ${line}`),
    `<line class="axis-line" x1="${x0}" y1="${DIST.top}" x2="${x0}" y2="${height - DIST.bottom}"/>`,
    ...rows,
    legend,
    '</svg>',
    `<figcaption>${esc(caption)}</figcaption>`,
    dataTable(
      'numbers',
      ['backend', 'observed', 'observed share', 'expected', 'expected share'],
      d.backends.map((b) => [
        b.name,
        countText(b.observed),
        shareText(b.observed, observedTotal),
        countText(b.expected),
        shareText(b.expected, expectedTotal),
      ]),
    ),
    '</figure>',
  ].join('\n')
}

const TL = { width: 720, label: 84, right: 14, lane: 24, faultRow: 14, axis: 28 }

const NONE_LANE = '(none)'

/** A mark per outcome: colour and shape both tell it (no meaning by colour alone). */
function mark(outcome: BalanceRequestOutcome, x: number, y: number, tip: string): string {
  const cls = `req req-${outcome}`
  const t = `<title>${esc(tip)}</title>`
  switch (outcome) {
    case 'ok':
      return `<circle class="${cls}" cx="${n(x)}" cy="${n(y)}" r="4">${t}</circle>`
    case 'error':
      return `<rect class="${cls}" x="${n(x - 4)}" y="${n(y - 4)}" width="8" height="8">${t}</rect>`
    case 'duplicate':
      return `<path class="${cls}" d="M${n(x)} ${n(y - 5)}L${n(x + 5)} ${n(y)}L${n(x)} ${n(y + 5)}L${n(x - 5)} ${n(y)}Z">${t}</path>`
    case 'mixed-up':
      return `<path class="${cls}" d="M${n(x)} ${n(y - 5)}L${n(x + 5)} ${n(y + 4)}L${n(x - 5)} ${n(y + 4)}Z">${t}</path>`
    case 'cut':
      return `<rect class="${cls}" x="${n(x - 1.5)}" y="${n(y - 6)}" width="3" height="12">${t}</rect>`
  }
}

function ticks(end: number): number[] {
  const raw = end / 5
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let t = 0; t <= end + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000)
  return out
}

function requestTip(r: BalanceRequest): string {
  const status = r.status === undefined ? '' : ` ${r.status}`
  return `${r.id} at ${countText(r.at)} ms: ${r.backend ?? 'no backend'}${status} ${r.outcome}`
}

/** x = time since the case started, one lane per backend, a mark per request, faults as lines. */
export function timelineHtml(t: BalanceTimeline, id: string): string {
  const lanes = [...t.backends]
  for (const r of t.requests) {
    const lane = r.backend ?? NONE_LANE
    if (!lanes.includes(lane)) lanes.push(lane)
  }
  for (const f of t.faults) if (!lanes.includes(f.backend)) lanes.push(f.backend)
  const laneOf = new Map(lanes.map((name, i) => [name, i]))
  const end = Math.max(1, ...t.requests.map((r) => r.at), ...t.faults.map((f) => f.at)) * 1.03
  const plotTop = 6 + TL.faultRow * t.faults.length
  const plotBottom = plotTop + TL.lane * lanes.length
  const height = plotBottom + TL.axis + 18
  const x0 = TL.label
  const span = TL.width - TL.label - TL.right
  const x = (at: number): number => x0 + (Math.max(0, at) / end) * span
  const laneY = (i: number): number => plotTop + i * TL.lane + TL.lane / 2
  const parts: string[] = []
  lanes.forEach((name, i) => {
    parts.push(
      `<line class="lane-line" x1="${x0}" y1="${n(laneY(i))}" x2="${TL.width - TL.right}" y2="${n(laneY(i))}"/>`,
      `<text class="lane-label" x="${x0 - 6}" y="${n(laneY(i) + 4)}" text-anchor="end">${esc(name)}</text>`,
    )
  })
  for (const tick of ticks(end)) {
    parts.push(
      `<line class="axis-line" x1="${n(x(tick))}" y1="${plotBottom}" x2="${n(x(tick))}" y2="${plotBottom + 4}"/>`,
      `<text class="axis" x="${n(x(tick))}" y="${plotBottom + 15}" text-anchor="middle">${esc(countText(tick))}</text>`,
    )
  }
  parts.push(
    `<line class="axis-line" x1="${x0}" y1="${plotBottom}" x2="${TL.width - TL.right}" y2="${plotBottom}"/>`,
    `<text class="axis" x="${TL.width - TL.right}" y="${plotBottom + 27}" text-anchor="end">ms since the case started</text>`,
  )
  t.faults.forEach((f, i) => {
    const fx = x(f.at)
    const labelY = 6 + TL.faultRow * i + 10
    const anchor = fx > x0 + span * 0.6 ? 'end' : 'start'
    const label = `${f.backend}: ${f.what} (${countText(f.at)} ms)`
    parts.push(
      `<g class="fault"><title>${esc(`fault at ${countText(f.at)} ms on ${f.backend}: ${f.what}`)}</title>`,
      `<line class="fault-line" x1="${n(fx)}" y1="${labelY + 2}" x2="${n(fx)}" y2="${plotBottom}"/>`,
      `<text class="fault-label" x="${n(anchor === 'end' ? fx - 4 : fx + 4)}" y="${labelY}" text-anchor="${anchor}">${esc(label)}</text></g>`,
    )
  })
  for (const r of t.requests) {
    const lane = laneOf.get(r.backend ?? NONE_LANE) ?? 0
    parts.push(mark(r.outcome, x(r.at), laneY(lane), requestTip(r)))
  }
  const seen = [...new Set(t.requests.map((r) => r.outcome))]
  const legendY = height - 5
  seen.forEach((outcome, i) => {
    const lx = x0 + i * 92
    parts.push(
      mark(outcome, lx + 5, legendY - 4, outcome),
      `<text class="axis" x="${lx + 14}" y="${legendY}">${esc(outcome)}</text>`,
    )
  })
  const line = timelineLine(t)
  return [
    `<figure class="chart chart-timeline" id="${id}">`,
    svgOpen(
      id,
      TL.width,
      height,
      t.title,
      `Which backend answered each request over time: ${line}`,
    ),
    ...parts,
    '</svg>',
    `<figcaption>${esc(`${t.title}: ${line}`)}</figcaption>`,
    dataTable(
      'requests and faults',
      ['ms', 'request / fault', 'backend', 'status', 'outcome'],
      [
        ...t.requests.map((r) => ({
          at: r.at,
          row: [r.id, r.backend ?? '', String(r.status ?? ''), r.outcome],
        })),
        ...t.faults.map((f) => ({ at: f.at, row: [`fault: ${f.what}`, f.backend, '', ''] })),
      ]
        .sort((a, b) => a.at - b.at)
        .map(({ at, row }) => [countText(at), ...row]),
    ),
    '</figure>',
  ].join('\n')
}

/** The case's charts, distributions first; '' when it has none. `id` prefixes the element ids. */
export function balanceHtml(balance: BalanceEvidence | undefined, id: string): string {
  if (balance === undefined) return ''
  const charts = [
    ...(balance.distributions ?? []).map((d, i) => distributionHtml(d, `${id}-dist-${i}`)),
    ...(balance.timelines ?? []).map((t, i) => timelineHtml(t, `${id}-timeline-${i}`)),
  ]
  if (charts.length === 0) return ''
  return `<section class="balance"><h4>Balance</h4>\n${charts.join('\n')}\n</section>`
}
