import type {
  BalanceDistribution,
  BalanceEvidence,
  BalanceRequestOutcome,
  BalanceTest,
  BalanceTimeline,
} from '../harness/engine/model/balance.js'

/** A count as people read it: whole from 10 up, one decimal below ("167", "3.3"). */
export function countText(n: number): string {
  return Math.abs(n) >= 10 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1)
}

/** "0.86", "0.0042", "3.1e-7": two significant digits, exponent under 0.001. */
export function pText(p: number): string {
  if (p === 0) return '0'
  return p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)))
}

/** "33.6 %" of `total` (0 when the total is 0). */
export function shareText(n: number, total: number): string {
  return `${total === 0 ? '0.0' : ((100 * n) / total).toFixed(1)} %`
}

const TEST_NAME: Record<BalanceTest['name'], string> = {
  'chi-square': 'χ²',
  'exact-multinomial': 'exact multinomial',
  'round-robin': 'round-robin',
  'weighted-windows': 'weighted windows',
  band: 'band',
}

/** "χ² 0.31 (df 2) p=0.86", "exact multinomial p=0.012", "round-robin: period 3". */
export function testText(test: BalanceTest): string {
  const parts = [TEST_NAME[test.name]]
  if (test.statistic !== undefined) parts.push(String(Number(test.statistic.toFixed(2))))
  if (test.df !== undefined) parts.push(`(df ${test.df})`)
  if (test.pValue !== undefined) parts.push(`p=${pText(test.pValue)}`)
  const head = parts.join(' ')
  return test.detail === undefined || test.detail === '' ? head : `${head}: ${test.detail}`
}

/** "O1 168/167, O2 170/167, O3 162/167, χ² 0.31 (df 2) p=0.86" (observed/expected). */
export function distributionLine(d: BalanceDistribution): string {
  const shares = d.backends.map(
    (b) => `${b.name} ${countText(b.observed)}/${countText(b.expected)}`,
  )
  return [...shares, ...(d.test === undefined ? [] : [testText(d.test)])].join(', ')
}

const OUTCOME_WORDS: Record<BalanceRequestOutcome, readonly [string, string]> = {
  ok: ['ok', 'ok'],
  error: ['error', 'errors'],
  duplicate: ['duplicate', 'duplicates'],
  'mixed-up': ['mixed-up', 'mixed-up'],
  cut: ['cut', 'cut'],
}

/** "30 requests: O1 10, O2 20, none 2; 28 ok, 2 errors; O1 refuses connections at 1200 ms". */
export function timelineLine(t: BalanceTimeline): string {
  const lanes = new Map<string, number>()
  const outcomes = new Map<BalanceRequestOutcome, number>()
  for (const r of t.requests) {
    const lane = r.backend ?? 'none'
    lanes.set(lane, (lanes.get(lane) ?? 0) + 1)
    outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1)
  }
  const n = t.requests.length
  const byBackend = [...lanes].map(([name, count]) => `${name} ${count}`).join(', ')
  const byOutcome = [...outcomes]
    .map(([outcome, count]) => `${count} ${OUTCOME_WORDS[outcome][count === 1 ? 0 : 1]}`)
    .join(', ')
  const faults = t.faults.map((f) => `${f.backend} ${f.what} at ${countText(f.at)} ms`).join(', ')
  return [
    `${n} request${n === 1 ? '' : 's'}${byBackend === '' ? '' : `: ${byBackend}`}`,
    ...(byOutcome === '' ? [] : [byOutcome]),
    ...(faults === '' ? [] : [faults]),
  ].join('; ')
}

/** One line per chart, "title: …", for Markdown and JUnit. */
export function balanceLines(balance: BalanceEvidence | undefined): string[] {
  if (balance === undefined) return []
  return [
    ...(balance.distributions ?? []).map((d) => `${d.title}: ${distributionLine(d)}`),
    ...(balance.timelines ?? []).map((t) => `${t.title}: ${timelineLine(t)}`),
  ]
}
