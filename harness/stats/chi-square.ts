import { gammaP, gammaQ, lnGamma } from './gamma.js'

/**
 * The central and noncentral chi-square distributions, as far as the
 * goodness-of-fit test and its sample size need them.
 */

function checkDf(df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new RangeError(`chi-square needs df > 0, got ${df}`)
}

/** Pr(X > x) for X ~ χ²(df): the p-value of a statistic x. */
export function chiSquareSurvival(x: number, df: number): number {
  checkDf(df)
  return x <= 0 ? 1 : gammaQ(df / 2, x / 2)
}

/** Pr(X ≤ x) for X ~ χ²(df). */
export function chiSquareCdf(x: number, df: number): number {
  checkDf(df)
  return x <= 0 ? 0 : gammaP(df / 2, x / 2)
}

/**
 * The critical value c with Pr(X > c) = alpha for X ~ χ²(df), by bisection on
 * the survival function (monotone, so 200 halvings reach double precision).
 */
export function chiSquareCritical(alpha: number, df: number): number {
  checkDf(df)
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`)
  let low = 0
  let high = Math.max(1, df)
  while (chiSquareSurvival(high, df) > alpha) high *= 2
  for (let i = 0; i < 200 && high - low > 1e-12 * high; i++) {
    const mid = (low + high) / 2
    if (chiSquareSurvival(mid, df) > alpha) low = mid
    else high = mid
  }
  return (low + high) / 2
}

/**
 * Pr(X ≤ x) for X ~ χ²(df, λ), noncentral: the Poisson(λ/2)-weighted mixture
 * of central χ²(df + 2j) distribution functions. The sum runs outwards from
 * the Poisson mode, where the weights are largest, until both tails weigh less
 * than 1e-17 (the weights are computed in logs, so λ in the thousands is fine).
 */
export function noncentralChiSquareCdf(x: number, df: number, lambda: number): number {
  checkDf(df)
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new RangeError(`noncentrality must be ≥ 0, got ${lambda}`)
  if (x <= 0) return 0
  if (lambda === 0) return chiSquareCdf(x, df)
  const mean = lambda / 2
  const weight = (j: number): number => Math.exp(-mean + j * Math.log(mean) - lnGamma(j + 1))
  const term = (j: number): number => weight(j) * gammaP(df / 2 + j, x / 2)
  const mode = Math.floor(mean)
  let sum = term(mode)
  for (let j = mode + 1; weight(j) >= 1e-17 || j <= mean; j++) sum += term(j)
  for (let j = mode - 1; j >= 0 && weight(j) >= 1e-17; j--) sum += term(j)
  return Math.min(1, Math.max(0, sum))
}
