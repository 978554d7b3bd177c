import { describe, expect, it } from 'vitest'
import { alternatives, chiSquarePower, sampleSize } from './sample-size.js'

describe('sampleSize', () => {
  it('reproduces the catalog table (§12.3; α = 0.001, power 0.99, scipy ncx2)', () => {
    const table: [readonly number[], number][] = [
      [[1, 1], 127],
      [[1, 1, 1], 282],
      [[1, 1, 1, 1], 456],
      [[3, 1, 1], 564],
      [[5, 1, 1], 846],
    ]
    for (const [shares, n] of table) {
      const size = sampleSize({ shares })
      expect({ shares, raw: size.raw }).toEqual({ shares, raw: n })
      expect(size.n).toBe(Math.max(n, 500))
      expect(size.powerAtRaw).toBeGreaterThanOrEqual(0.99)
      expect(chiSquarePower(n - 1, size.hardest.effect, size.df, 0.001)).toBeLessThan(0.99)
    }
  })

  it('3 equal backends: halving one share is the hardest alternative (w = 0.354, λ = 35.3)', () => {
    const size = sampleSize({ shares: [1, 1, 1] })
    expect(size.hardest.change).toBe('halved')
    expect(Math.sqrt(size.hardest.effect)).toBeCloseTo(0.354, 3)
    expect(size.raw * size.hardest.effect).toBeCloseTo(35.25, 2) // the catalog rounds to 35.3
    expect(size.powerAtN).toBeGreaterThan(0.99999)
    expect(sampleSize({ shares: [1, 1, 1], floor: 0 }).n).toBe(282)
  })

  it('builds each alternative by doubling or halving one share and scaling the others', () => {
    const list = alternatives([3, 1, 1])
    expect(list).toHaveLength(6)
    const doubledFirst = list.find((a) => a.backend === 0 && a.change === 'doubled')!
    expect(doubledFirst.shares).toEqual([1, 0, 0]) // 2 × 0.6 capped at 1
    const halvedSecond = list.find((a) => a.backend === 1 && a.change === 'halved')!
    expect(halvedSecond.shares.map((s) => s.toFixed(4))).toEqual(['0.6750', '0.1000', '0.2250'])
    expect(halvedSecond.effect).toBeCloseTo(0.0625, 12)
  })

  it('ignores backends with share 0 and refuses a single backend', () => {
    expect(sampleSize({ shares: [1, 1, 0] }).raw).toBe(127)
    expect(() => sampleSize({ shares: [1, 0] })).toThrow(RangeError)
  })
})
