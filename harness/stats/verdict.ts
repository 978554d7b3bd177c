import { normalizeShares } from './goodness-of-fit.js'

/**
 * From a p-value to a verdict (catalog §12.3): FAIL if p < 0.001, WARN if
 * 0.001 ≤ p < 0.01, PASS otherwise; and starvation, which fails whatever p says.
 */

export type StatisticalVerdict = 'pass' | 'warn' | 'fail'

export interface Thresholds {
  readonly fail: number
  readonly warn: number
}

export const CATALOG_THRESHOLDS: Thresholds = { fail: 0.001, warn: 0.01 }

export function verdictOf(
  p: number,
  thresholds: Thresholds = CATALOG_THRESHOLDS,
): StatisticalVerdict {
  if (Number.isNaN(p)) throw new RangeError('p-value is NaN')
  if (!(thresholds.fail <= thresholds.warn))
    throw new RangeError(`fail threshold ${thresholds.fail} above warn ${thresholds.warn}`)
  return p < thresholds.fail ? 'fail' : p < thresholds.warn ? 'warn' : 'pass'
}

export interface Starvation {
  /** True when some backend in `backends` exists. */
  readonly starved: boolean
  /** Backends (indices) whose share is ≥ minShare and that got no request. */
  readonly backends: readonly number[]
}

/**
 * A usable backend whose expected share is ≥ minShare (default 10 %) and that
 * got 0 requests. Under the declared shares, with N = 500, this has probability
 * 0.9^500 ≈ 1e-23: it is a FAIL regardless of the p-value.
 */
export function starved(
  observed: readonly number[],
  shares: readonly number[],
  minShare = 0.1,
): Starvation {
  if (observed.length !== shares.length)
    throw new RangeError(`${observed.length} counts for ${shares.length} shares`)
  const p = normalizeShares(shares)
  const backends = p.flatMap((share, i) => (share >= minShare && observed[i] === 0 ? [i] : []))
  return { starved: backends.length > 0, backends }
}
