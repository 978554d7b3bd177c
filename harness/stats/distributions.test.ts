import { describe, expect, it } from 'vitest'
import {
  chiSquareCdf,
  chiSquareCritical,
  chiSquareSurvival,
  noncentralChiSquareCdf,
} from './chi-square.js'
import { gammaP, gammaQ, lnGamma } from './gamma.js'

// Reference values from scipy 1.x (scipy.special.gammainc/gammaincc, scipy.stats.chi2/ncx2).
describe('the incomplete gamma functions', () => {
  it('lnGamma matches the factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12)
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12)
    expect(lnGamma(1)).toBeCloseTo(0, 13)
    expect(lnGamma(171)).toBeCloseTo(706.5730622457874, 9)
  })

  it('matches scipy on both sides of x = a + 1 (series and continued fraction)', () => {
    expect(gammaP(3.5, 2)).toBeCloseTo(0.22022259152428406, 13)
    expect(gammaQ(3.5, 7)).toBeCloseTo(0.051181353413065414, 13)
    expect(gammaQ(100, 120) / 0.027863739890520652).toBeCloseTo(1, 10)
    expect(gammaP(0.5, 0.01)).toBeCloseTo(0.11246291601828491, 13)
    for (const x of [0.1, 1, 2.5, 4.49, 4.5, 4.51, 10, 50])
      expect(gammaP(3.5, x) + gammaQ(3.5, x)).toBeCloseTo(1, 13)
    // P(1, x) = 1 − e^(−x)
    for (const x of [0.2, 1.9, 2, 2.1, 30]) expect(gammaQ(1, x)).toBeCloseTo(Math.exp(-x), 14)
  })
})

describe('the chi-square distribution', () => {
  it('gives p ≈ 0.001 at the catalog critical values (df 1–4)', () => {
    for (const [x, df] of [
      [10.83, 1],
      [13.82, 2],
      [16.27, 3],
      [18.47, 4],
    ] as const)
      expect(chiSquareSurvival(x, df)).toBeCloseTo(0.001, 5)
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 13)
  })

  it('keeps the digits of tiny p-values (the continued fraction computes Q directly)', () => {
    expect(chiSquareSurvival(300, 2) / 7.175095973164448e-66).toBeCloseTo(1, 10)
    expect(chiSquareCdf(300, 2)).toBe(1)
    expect(chiSquareSurvival(0, 3)).toBe(1)
  })

  it('inverts to the critical values', () => {
    expect(chiSquareCritical(0.001, 1)).toBeCloseTo(10.827566170662733, 8)
    expect(chiSquareCritical(0.001, 2)).toBeCloseTo(13.815510557964274, 8)
    expect(chiSquareCritical(0.001, 3)).toBeCloseTo(16.26623619623813, 8)
    expect(chiSquareCritical(0.001, 4)).toBeCloseTo(18.46682695290317, 8)
  })

  it('noncentral: matches scipy ncx2.cdf, and λ = 0 is the central distribution', () => {
    expect(noncentralChiSquareCdf(10, 3, 5)).toBeCloseTo(0.7066486477774525, 12)
    expect(noncentralChiSquareCdf(50, 2, 40)).toBeCloseTo(0.7490508689442186, 12)
    expect(noncentralChiSquareCdf(13.815510557964274, 2, 35.3)).toBeCloseTo(
      0.009883404386983605,
      12,
    )
    expect(noncentralChiSquareCdf(3, 1, 0.5)).toBeCloseTo(0.839944426939826, 12)
    expect(noncentralChiSquareCdf(200, 4, 150)).toBeCloseTo(0.962519766789031, 12)
    expect(noncentralChiSquareCdf(7, 3, 0)).toBeCloseTo(chiSquareCdf(7, 3), 14)
  })
})
