import { describe, expect, it } from 'vitest'
import {
  chiSquareGoodnessOfFit,
  exactMultinomialTest,
  goodnessOfFit,
  outcomeCount,
} from './goodness-of-fit.js'

// p-values from scipy.stats.chisquare, and a brute-force exact multinomial test in Python.
describe('chiSquareGoodnessOfFit', () => {
  it('matches scipy.stats.chisquare', () => {
    const even = chiSquareGoodnessOfFit([180, 160, 160], [1, 1, 1])
    expect(even).toMatchObject({ test: 'chi-square', df: 2, unexpected: [] })
    expect(even.statistic).toBeCloseTo(1.6, 12)
    expect(even.pValue).toBeCloseTo(0.4493289641172217, 12)
    expect(even.expected.map((e) => e.toFixed(2))).toEqual(['166.67', '166.67', '166.67'])
    const weighted = chiSquareGoodnessOfFit([310, 95, 95], [3, 1, 1])
    expect(weighted.statistic).toBeCloseTo(0.8333333333333333, 12)
    expect(weighted.pValue).toBeCloseTo(0.6592406302004439, 12)
    expect(weighted.expected).toEqual([300, 100, 100])
  })

  it('a backend with share 0 leaves the df, and any request to it makes p = 0', () => {
    const clean = chiSquareGoodnessOfFit([30, 40, 30, 0], [1, 1, 1, 0])
    expect(clean.df).toBe(2)
    expect(clean.pValue).toBeCloseTo(0.3678794411714425, 12)
    const hit = chiSquareGoodnessOfFit([30, 40, 29, 1], [1, 1, 1, 0])
    expect(hit).toMatchObject({ df: 2, pValue: 0, unexpected: [3] })
  })

  it('one usable backend: nothing to test (df 0, p 1)', () => {
    expect(chiSquareGoodnessOfFit([12, 0], [1, 0])).toMatchObject({ df: 0, pValue: 1 })
  })

  it('refuses counts that do not match the shares (a harness fault)', () => {
    expect(() => chiSquareGoodnessOfFit([1, 2], [1, 1, 1])).toThrow(RangeError)
    expect(() => chiSquareGoodnessOfFit([1.5, 2], [1, 1])).toThrow(RangeError)
    expect(() => chiSquareGoodnessOfFit([1, 2], [0, 0])).toThrow(RangeError)
  })
})

describe('exactMultinomialTest', () => {
  it('sums the outcomes no more likely than the observed one', () => {
    expect(exactMultinomialTest([3, 0, 0], [1, 1, 1]).pValue).toBeCloseTo(1 / 9, 14)
    expect(exactMultinomialTest([5, 1, 0], [1, 1, 1]).pValue).toBeCloseTo(0.053497942386831254, 13)
    expect(exactMultinomialTest([4, 0, 0, 1], [1, 1, 1, 1]).pValue).toBeCloseTo(0.0625, 13)
    expect(exactMultinomialTest([2, 3, 5], [5, 3, 2]).pValue).toBeCloseTo(0.04203021250000002, 13)
    expect(exactMultinomialTest([0, 6], [0.6, 0.4]).pValue).toBeCloseTo(0.004096, 13)
    expect(exactMultinomialTest([2, 2, 2], [1, 1, 1]).pValue).toBeCloseTo(1, 13)
  })

  it('shares 0 as chi-square does', () => {
    expect(exactMultinomialTest([2, 1, 1], [1, 1, 0])).toMatchObject({ pValue: 0, unexpected: [2] })
    expect(exactMultinomialTest([2, 1, 0], [1, 1, 0]).pValue).toBeCloseTo(1, 13)
  })
})

describe('goodnessOfFit picks the test and says which', () => {
  it('exact when an expected count is below 5 and the outcomes are few', () => {
    const small = goodnessOfFit([5, 1, 0], [1, 1, 1])
    expect(small.test).toBe('exact-multinomial')
    expect(small.pValue).toBeCloseTo(0.053497942386831254, 13)
    expect(goodnessOfFit([310, 95, 95], [3, 1, 1]).test).toBe('chi-square')
  })

  it('falls back to chi-square when enumeration is out of reach', () => {
    expect(outcomeCount(2, 3)).toBe(6)
    expect(outcomeCount(500, 3)).toBe(125751)
    // 2 000 requests over 40 backends, one of them with an expected count of 2.
    const shares = [...new Array<number>(39).fill(1), 0.04]
    const observed = [...new Array<number>(39).fill(51), 11]
    expect(goodnessOfFit(observed, shares).test).toBe('chi-square')
  })
})
