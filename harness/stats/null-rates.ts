import {
  chiSquareGoodnessOfFit,
  goodnessOfFit,
  normalizeShares,
  outcomeCount,
} from './goodness-of-fit.js'
import { lnGamma } from './gamma.js'
import type { SeededRandom } from './random.js'
import { CATALOG_THRESHOLDS, verdictOf } from './verdict.js'
import type { StatisticalVerdict, Thresholds } from './verdict.js'

/**
 * How often a conformant target (requests spread exactly by the declared
 * shares, independently) gets each verdict: the chance that a distribution
 * verdict is wrong, and so whether repeat runs agree.
 *
 * Measured for 3 equal backends at N = 500 (sampleSize: raw 282, floor 500),
 * FAIL p < 0.001, WARN p < 0.01, chi-square (no expected count below 5):
 * - exact, enumerating all 125,751 outcomes with their multinomial
 *   probabilities (`exactVerdictRates`; scipy gives the same to 12 digits):
 *   Pr(FAIL) = 0.0010042, Pr(WARN) = 0.0088397;
 * - simulated, seeded multinomial draws (`simulatedVerdictRates`): 200,000
 *   runs, seed 13 (`npm run -s stats-repeatability`): FAIL 0.001055, WARN
 *   0.008535; the self-test's 20,000 runs, seed 1: FAIL 0.0011, WARN 0.0104.
 * The same tool, exact where B ≤ 3: 2 equal (N 500) FAIL 0.00108; 3:1:1 (N
 * 564) 0.00101; 5:1:1 (N 846) 0.00104; 4 equal (N 500, simulated) 0.00104.
 *
 * So a conformant target escapes a false FAIL with probability 0.99900 (3
 * equal; 0.99892 to 0.99899 for the others): the counts are discrete, so the
 * test's true size sits a hair above α = 0.001. And it is WARNed about 0.9 % of
 * the time: the ≥ 0.999 holds for FAIL versus not FAIL, not for PASS versus
 * WARN (two runs agree on that with probability Σ Pr(v)² ≈ 0.98).
 */

export type VerdictRates = Readonly<Record<StatisticalVerdict, number>>

/**
 * Exact probabilities of each verdict under the declared shares with n
 * requests, by enumerating every outcome (only where outcomeCount is small
 * enough: 3 backends at n = 500 is 125,751 outcomes). Uses goodnessOfFit, so
 * the exact test where it would be used.
 */
export function exactVerdictRates(
  shares: readonly number[],
  n: number,
  thresholds: Thresholds = CATALOG_THRESHOLDS,
): VerdictRates {
  const p = normalizeShares(shares).filter((q) => q > 0)
  if (outcomeCount(n, p.length) > 2_000_000)
    throw new RangeError(`${n} requests over ${p.length} backends: too many outcomes`)
  const lnFactorial = Array.from({ length: n + 1 }, (_, k) => lnGamma(k + 1))
  const lnP = p.map(Math.log)
  const rates = { pass: 0, warn: 0, fail: 0 }
  const counts = new Array<number>(p.length).fill(0)
  const visit = (index: number, left: number, partial: number): void => {
    if (index === p.length - 1) {
      counts[index] = left
      const probability = Math.exp(
        partial + left * lnP[index]! - lnFactorial[left]! + lnFactorial[n]!,
      )
      rates[verdictOf(goodnessOfFit(counts, p).pValue, thresholds)] += probability
      return
    }
    for (let k = 0; k <= left; k++) {
      counts[index] = k
      visit(index + 1, left - k, partial + k * lnP[index]! - lnFactorial[k]!)
    }
  }
  visit(0, n, 0)
  return rates
}

/** Draw n requests independently by the shares: the counts per backend. */
export function multinomialDraw(
  random: SeededRandom,
  shares: readonly number[],
  n: number,
): number[] {
  const p = normalizeShares(shares)
  const cumulative = p.map((_, i) => p.slice(0, i + 1).reduce((a, b) => a + b, 0))
  const counts = new Array<number>(p.length).fill(0)
  for (let k = 0; k < n; k++) {
    const x = random.next()
    let i = cumulative.findIndex((c) => x < c)
    if (i < 0) i = p.length - 1
    counts[i] = counts[i]! + 1
  }
  return counts
}

/** The share of `runs` simulated conformant runs that got each verdict (chi-square test). */
export function simulatedVerdictRates(
  random: SeededRandom,
  shares: readonly number[],
  n: number,
  runs: number,
  thresholds: Thresholds = CATALOG_THRESHOLDS,
): VerdictRates {
  const tally = { pass: 0, warn: 0, fail: 0 }
  for (let r = 0; r < runs; r++)
    tally[
      verdictOf(
        chiSquareGoodnessOfFit(multinomialDraw(random, shares, n), shares).pValue,
        thresholds,
      )
    ]++
  return { pass: tally.pass / runs, warn: tally.warn / runs, fail: tally.fail / runs }
}
