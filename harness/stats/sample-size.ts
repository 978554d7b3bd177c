import { chiSquareCritical, noncentralChiSquareCdf } from './chi-square.js'
import { normalizeShares } from './goodness-of-fit.js'

/**
 * How many requests a distribution case sends (catalog §12.3): the smallest N
 * at which the chi-square test at α has power ≥ `power` against every
 * alternative where one backend's share is doubled or halved and the others are
 * scaled in proportion. Under such an alternative p′ the statistic is about
 * χ²(df, λ) with λ = N·w², w² = Σ (p′_i − p_i)² / p_i (Cohen's effect size), so
 * power depends on N only through λ and the hardest alternative is the one with
 * the smallest w².
 *
 * Computed here (α = 0.001, power 0.99), the same as the catalog's scipy table:
 * 2 equal → 127, 3 equal → 282, 4 equal → 456, 3:1:1 → 564, 5:1:1 → 846.
 */

export interface SampleSizeOptions {
  /** Declared weights or shares per backend (0 for a backend that takes none). */
  readonly shares: readonly number[]
  /** Significance level of the FAIL verdict; default 0.001. */
  readonly alpha?: number
  /** Power wanted against every alternative; default 0.99. */
  readonly power?: number
  /** The least N a case sends whatever the computation says; default 500. */
  readonly floor?: number
}

export interface Alternative {
  /** The backend whose share is changed. */
  readonly backend: number
  readonly change: 'doubled' | 'halved'
  readonly shares: readonly number[]
  /** Cohen's w² of this alternative. */
  readonly effect: number
}

export interface SampleSize {
  /** max(raw, floor): what the case sends. */
  readonly n: number
  /** The smallest N with the wanted power, before the floor. */
  readonly raw: number
  readonly floor: number
  readonly alpha: number
  readonly df: number
  /** The alternative with the smallest effect, which sets N. */
  readonly hardest: Alternative
  /** Power against the hardest alternative at `raw` and at `n`. */
  readonly powerAtRaw: number
  readonly powerAtN: number
}

/**
 * The alternatives: each backend's share doubled (capped at 1: with share
 * > 0.5 it then takes everything) or halved, the others scaled in proportion.
 */
export function alternatives(shares: readonly number[]): Alternative[] {
  const p = normalizeShares(shares)
  const result: Alternative[] = []
  for (const [i, share] of p.entries()) {
    if (share === 0 || share === 1) continue
    for (const change of ['doubled', 'halved'] as const) {
      const moved = change === 'doubled' ? Math.min(1, 2 * share) : share / 2
      const scale = (1 - moved) / (1 - share)
      const next = p.map((q, j) => (j === i ? moved : q * scale))
      const effect = p.reduce((sum, q, j) => (q > 0 ? sum + (next[j]! - q) ** 2 / q : sum), 0)
      result.push({ backend: i, change, shares: next, effect })
    }
  }
  return result
}

/** Power of the chi-square test at α, df, against an alternative of effect w², with N requests. */
export function chiSquarePower(n: number, effect: number, df: number, alpha: number): number {
  return 1 - noncentralChiSquareCdf(chiSquareCritical(alpha, df), df, n * effect)
}

export function sampleSize(options: SampleSizeOptions): SampleSize {
  const alpha = options.alpha ?? 0.001
  const power = options.power ?? 0.99
  const floor = options.floor ?? 500
  if (!(power > 0 && power < 1)) throw new RangeError(`power must lie in (0, 1), got ${power}`)
  const df = options.shares.filter((s) => s > 0).length - 1
  const candidates = alternatives(options.shares)
  if (df < 1 || candidates.length === 0)
    throw new RangeError('a distribution needs at least two backends with a share')
  const hardest = candidates.reduce((a, b) => (b.effect < a.effect ? b : a))
  const critical = chiSquareCritical(alpha, df)
  const powerAt = (n: number): number =>
    1 - noncentralChiSquareCdf(critical, df, n * hardest.effect)
  // Power grows with N: double to bracket, then bisect on integers.
  let high = 1
  while (powerAt(high) < power) high *= 2
  let low = Math.floor(high / 2)
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2)
    if (powerAt(mid) >= power) high = mid
    else low = mid
  }
  const raw = powerAt(low) >= power ? low : high
  const n = Math.max(raw, floor)
  return { n, raw, floor, alpha, df, hardest, powerAtRaw: powerAt(raw), powerAtN: powerAt(n) }
}
