import { describe, expect, it } from 'vitest'
import { exactVerdictRates, multinomialDraw, simulatedVerdictRates } from './null-rates.js'
import { seededRandom } from './random.js'
import { sampleSize } from './sample-size.js'

// The repeatability claim of issue 13: on a conformant target, the verdict of
// a distribution case is the same (not FAIL) with probability ≥ 0.999.
describe('verdict rates on a conformant random balancer (3 equal backends)', () => {
  const shares = [1, 1, 1]
  const { n } = sampleSize({ shares })

  it('the case sends 500 requests (raw 282, floor 500)', () => {
    expect(n).toBe(500)
  })

  it('exactly, over all 125,751 outcomes: FAIL 0.001004, WARN 0.00884 (scipy agrees)', () => {
    const rates = exactVerdictRates(shares, n)
    expect(rates.fail).toBeCloseTo(0.0010041568123844, 12)
    expect(rates.warn).toBeCloseTo(0.008839663530133, 12)
    expect(rates.pass + rates.warn + rates.fail).toBeCloseTo(1, 12)
  })

  it('simulated, 20,000 seeded runs: FAIL and WARN rates at their exact values', () => {
    const rates = simulatedVerdictRates(seededRandom(1), shares, n, 20_000)
    // 3 binomial standard deviations around the exact rates.
    expect(Math.abs(rates.fail - 0.001004)).toBeLessThan(3 * Math.sqrt(0.001 / 20_000))
    expect(Math.abs(rates.warn - 0.00884)).toBeLessThan(3 * Math.sqrt(0.00884 / 20_000))
    expect(rates).toEqual({ pass: 0.9885, warn: 0.0104, fail: 0.0011 })
  })

  it('draws add up to n, and the same seed draws the same', () => {
    const counts = multinomialDraw(seededRandom(5), [3, 1, 1], 500)
    expect(counts.reduce((a, b) => a + b, 0)).toBe(500)
    expect(multinomialDraw(seededRandom(5), [3, 1, 1], 500)).toEqual(counts)
  })
})
