/**
 * The exact checks of deterministic policies (catalog §12.3). Each returns
 * pass/fail and the numbers that explain it, for the evidence. A sequence is
 * the backend (by name) that answered each request, in order.
 */

export interface PeriodicCheck {
  readonly pass: boolean
  readonly reason: string
  /** B, the number of usable backends. */
  readonly period: number
  /** The first period, as observed. */
  readonly firstPeriod: readonly string[]
  /** The first k with sequence[k] ≠ sequence[k + B], if any. */
  readonly mismatchAt?: number
}

/**
 * Round robin with equal weights on one worker: request k and request k + B
 * reach the same backend, and the first B requests reach B different usable
 * backends (else a balancer stuck on one backend would be "periodic").
 * Fewer than B requests is a harness fault (RangeError).
 */
export function roundRobinPeriodic(
  sequence: readonly string[],
  backends: readonly string[],
): PeriodicCheck {
  const period = backends.length
  if (period < 1) throw new RangeError('round robin needs a backend')
  if (sequence.length < period)
    throw new RangeError(`${sequence.length} requests cannot show a period of ${period}`)
  const firstPeriod = sequence.slice(0, period)
  const known = new Set(backends)
  const stranger = sequence.findIndex((b) => !known.has(b))
  if (stranger >= 0)
    return {
      pass: false,
      reason: `request ${stranger} reached ${sequence[stranger]}, not a usable backend`,
      period,
      firstPeriod,
    }
  const distinct = new Set(firstPeriod).size
  if (distinct !== period)
    return {
      pass: false,
      reason: `the first ${period} requests reached ${distinct} backends, not ${period}: ${firstPeriod.join(' ')}`,
      period,
      firstPeriod,
    }
  for (let k = 0; k + period < sequence.length; k++)
    if (sequence[k] !== sequence[k + period])
      return {
        pass: false,
        reason: `request ${k} reached ${sequence[k]} but request ${k + period} reached ${sequence[k + period]}`,
        period,
        firstPeriod,
        mismatchAt: k,
      }
  return {
    pass: true,
    reason: `${sequence.length} requests repeat with period ${period}: ${firstPeriod.join(' ')}`,
    period,
    firstPeriod,
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** Positive integer weights divided by their greatest common divisor; 0 stays 0. */
export function reduceWeights(weights: Readonly<Record<string, number>>): Record<string, number> {
  const values = Object.values(weights)
  if (values.some((w) => !Number.isInteger(w) || w < 0))
    throw new RangeError(`weights must be integers ≥ 0: ${values.join(', ')}`)
  const divisor = values.reduce(gcd, 0)
  if (divisor === 0) throw new RangeError('at least one weight must be > 0')
  return Object.fromEntries(Object.entries(weights).map(([b, w]) => [b, w / divisor]))
}

export interface WindowCheck {
  readonly pass: boolean
  readonly reason: string
  /** The weights reduced by their gcd. */
  readonly weights: Readonly<Record<string, number>>
  /** Σw, the window length. */
  readonly window: number
  /** Windows checked (every start from 0 to length − Σw). */
  readonly windows: number
  /** The first window that breaks the rule: where it starts and what it held. */
  readonly offending?: { readonly start: number; readonly counts: Readonly<Record<string, number>> }
}

/**
 * Weighted round robin on one worker: every window of Σw consecutive requests
 * holds w_i requests for backend i, ±1 (implementations may scale weights
 * internally). A backend with weight 0, or not named, must get none.
 */
export function weightedWindows(
  sequence: readonly string[],
  weights: Readonly<Record<string, number>>,
): WindowCheck {
  const reduced = reduceWeights(weights)
  const window = Object.values(reduced).reduce((a, b) => a + b, 0)
  if (sequence.length < window)
    throw new RangeError(`${sequence.length} requests cannot fill a window of ${window}`)
  const base = { weights: reduced, window, windows: sequence.length - window + 1 }
  const stranger = sequence.findIndex((b) => !((reduced[b] ?? 0) > 0))
  if (stranger >= 0)
    return {
      ...base,
      pass: false,
      reason: `request ${stranger} reached ${sequence[stranger]}, which has no weight`,
    }
  const counts: Record<string, number> = Object.fromEntries(Object.keys(reduced).map((b) => [b, 0]))
  for (const b of sequence.slice(0, window)) counts[b] = (counts[b] ?? 0) + 1
  for (let start = 0; ; start++) {
    const off = Object.keys(reduced).find((b) => Math.abs((counts[b] ?? 0) - reduced[b]!) > 1)
    if (off !== undefined)
      return {
        ...base,
        pass: false,
        reason: `requests ${start}…${start + window - 1} held ${counts[off] ?? 0} for ${off}, weight ${reduced[off]!} ±1`,
        offending: { start, counts: { ...counts } },
      }
    const leaving = sequence[start]!
    const entering = sequence[start + window]
    if (entering === undefined) break
    counts[leaving] = (counts[leaving] ?? 0) - 1
    counts[entering] = (counts[entering] ?? 0) + 1
  }
  return {
    ...base,
    pass: true,
    reason: `all ${base.windows} windows of ${window} requests hold each backend's weight ±1`,
  }
}

export interface BandRow {
  readonly backend: string
  readonly observed: number
  /** N·w_i/W. */
  readonly expected: number
  /** |observed − expected|. */
  readonly deviation: number
  /** K·w_i, with w reduced by the gcd. */
  readonly band: number
  readonly within: boolean
}

export interface BandCheck {
  readonly pass: boolean
  readonly reason: string
  readonly total: number
  readonly workers: number
  readonly rows: readonly BandRow[]
}

/**
 * K workers each running their own periodic sequence: over N requests every
 * backend's count is within K·w_i of N·w_i/W (weights reduced by the gcd).
 * Counts for a backend with weight 0, or not named, fail.
 */
export function multiWorkerBand(
  counts: Readonly<Record<string, number>>,
  weights: Readonly<Record<string, number>>,
  workers: number,
): BandCheck {
  if (!Number.isInteger(workers) || workers < 1)
    throw new RangeError(`workers must be an integer ≥ 1, got ${workers}`)
  const reduced = reduceWeights(weights)
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  const sum = Object.values(reduced).reduce((a, b) => a + b, 0)
  const names = [...new Set([...Object.keys(reduced), ...Object.keys(counts)])]
  const rows = names.map((backend): BandRow => {
    const w = reduced[backend] ?? 0
    const observed = counts[backend] ?? 0
    const expected = (total * w) / sum
    const deviation = Math.abs(observed - expected)
    const band = workers * w
    return { backend, observed, expected, deviation, band, within: deviation <= band + 1e-9 }
  })
  const outside = rows.filter((r) => !r.within)
  const describe = (r: BandRow): string =>
    `${r.backend} got ${r.observed}, expected ${r.expected.toFixed(1)} ±${r.band}`
  return {
    pass: outside.length === 0,
    reason:
      outside.length === 0
        ? `${total} requests over ${workers} workers: every backend within K·w of its share`
        : outside.map(describe).join('; '),
    total,
    workers,
    rows,
  }
}
