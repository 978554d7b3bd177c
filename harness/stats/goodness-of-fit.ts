import { chiSquareSurvival } from './chi-square.js'
import { lnGamma } from './gamma.js'

/**
 * Goodness of fit of observed request counts per backend to the shares the
 * declared profile gives them (catalog §12.3): Pearson's chi-square test, and
 * the exact multinomial test where counts are too small for chi-square.
 */

export type FitTest = 'chi-square' | 'exact-multinomial'

export interface GoodnessOfFit {
  /** Which test gave the p-value. */
  readonly test: FitTest
  /** Pearson's χ² = Σ (n_i − N·p_i)² / (N·p_i) over the backends with a share > 0. */
  readonly statistic: number
  /** Backends with a share > 0, minus one. */
  readonly df: number
  readonly pValue: number
  readonly observed: readonly number[]
  /** N·p_i per backend, in the order of `observed`. */
  readonly expected: readonly number[]
  /** Backends with share 0 that got requests anyway: any such makes p = 0. */
  readonly unexpected: readonly number[]
}

/** Weights or shares scaled to sum to 1 (a backend with weight 0 keeps share 0). */
export function normalizeShares(weights: readonly number[]): number[] {
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w)))
    throw new RangeError(`shares must be finite and ≥ 0: ${weights.join(', ')}`)
  const total = weights.reduce((a, b) => a + b, 0)
  if (!(total > 0)) throw new RangeError('at least one share must be > 0')
  return weights.map((w) => w / total)
}

function checkCounts(observed: readonly number[], shares: readonly number[]): void {
  if (observed.length !== shares.length)
    throw new RangeError(`${observed.length} counts for ${shares.length} shares`)
  if (observed.some((n) => !Number.isInteger(n) || n < 0))
    throw new RangeError(`counts must be integers ≥ 0: ${observed.join(', ')}`)
}

interface Setup {
  readonly total: number
  readonly shares: number[]
  readonly expected: number[]
  readonly unexpected: number[]
  readonly statistic: number
  readonly df: number
}

function setUp(observed: readonly number[], expectedShares: readonly number[]): Setup {
  checkCounts(observed, expectedShares)
  const shares = normalizeShares(expectedShares)
  const total = observed.reduce((a, b) => a + b, 0)
  const expected = shares.map((p) => total * p)
  const unexpected = shares.flatMap((p, i) => (p === 0 && observed[i]! > 0 ? [i] : []))
  let statistic = 0
  for (const [i, p] of shares.entries()) {
    if (p === 0) continue
    const e = expected[i]!
    if (e > 0) statistic += (observed[i]! - e) ** 2 / e
  }
  const df = shares.filter((p) => p > 0).length - 1
  return { total, shares, expected, unexpected, statistic, df }
}

/** Pearson's chi-square test; the p-value is Q(df/2, χ²/2). */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  expectedShares: readonly number[],
): GoodnessOfFit {
  const { expected, unexpected, statistic, df } = setUp(observed, expectedShares)
  const pValue = unexpected.length > 0 ? 0 : df === 0 ? 1 : chiSquareSurvival(statistic, df)
  return {
    test: 'chi-square',
    statistic,
    df,
    pValue,
    observed: [...observed],
    expected,
    unexpected,
  }
}

/** How many outcomes N requests over k backends have: C(N + k − 1, k − 1). */
export function outcomeCount(total: number, backends: number): number {
  if (backends <= 1) return 1
  return Math.round(Math.exp(lnGamma(total + backends) - lnGamma(total + 1) - lnGamma(backends)))
}

/** The exact test is used while the outcomes to enumerate stay below this. */
export const EXACT_OUTCOME_LIMIT = 300_000

/**
 * The exact multinomial test: p is the total probability, under the declared
 * shares, of every outcome no more likely than the one observed (with a
 * relative tolerance of 1e-7 so ties computed in floating point count as ties).
 * Enumerates all C(N + k − 1, k − 1) outcomes: for small N only.
 */
export function exactMultinomialTest(
  observed: readonly number[],
  expectedShares: readonly number[],
): GoodnessOfFit {
  const { total, shares, expected, unexpected, statistic, df } = setUp(observed, expectedShares)
  const result = (pValue: number): GoodnessOfFit => ({
    test: 'exact-multinomial',
    statistic,
    df,
    pValue,
    observed: [...observed],
    expected,
    unexpected,
  })
  if (unexpected.length > 0) return result(0)
  const used = shares.flatMap((p, i) => (p > 0 ? [i] : []))
  const p = used.map((i) => shares[i]!)
  const counts = used.map((i) => observed[i]!)
  if (outcomeCount(total, p.length) > EXACT_OUTCOME_LIMIT)
    throw new RangeError(`${total} requests over ${p.length} backends: too many outcomes`)
  const lnFactorial = Array.from({ length: total + 1 }, (_, n) => lnGamma(n + 1))
  const lnP = p.map(Math.log)
  // ln Pr(x) − ln N!: the part that differs between outcomes.
  const kernel = (x: readonly number[]): number =>
    x.reduce((sum, n, i) => sum + n * lnP[i]! - lnFactorial[n]!, 0)
  const threshold = kernel(counts) + Math.log1p(1e-7)
  let pValue = 0
  // Every composition of `total` into p.length parts, the last part taking the rest.
  const visit = (index: number, left: number, partial: number): void => {
    if (index === p.length - 1) {
      const ln = partial + left * lnP[index]! - lnFactorial[left]!
      if (ln <= threshold) pValue += Math.exp(ln + lnFactorial[total]!)
      return
    }
    for (let n = 0; n <= left; n++)
      visit(index + 1, left - n, partial + n * lnP[index]! - lnFactorial[n]!)
  }
  visit(0, total, 0)
  return result(Math.min(1, pValue))
}

/**
 * The test a balancing case uses: exact multinomial when some backend's
 * expected count is below 5 (chi-square's approximation is poor there) and the
 * outcomes can be enumerated; chi-square otherwise. `test` says which.
 */
export function goodnessOfFit(
  observed: readonly number[],
  expectedShares: readonly number[],
): GoodnessOfFit {
  const chi = chiSquareGoodnessOfFit(observed, expectedShares)
  const small = chi.expected.some((e) => e > 0 && e < 5)
  const used = expectedShares.filter((p) => p > 0).length
  const total = observed.reduce((a, b) => a + b, 0)
  if (small && outcomeCount(total, used) <= EXACT_OUTCOME_LIMIT)
    return exactMultinomialTest(observed, expectedShares)
  return chi
}
