import { describe, expect, it } from 'vitest'
import { starved, verdictOf } from './verdict.js'

describe('verdictOf (catalog §12.3)', () => {
  it('FAIL below 0.001, WARN from 0.001 to below 0.01, PASS from 0.01', () => {
    expect(verdictOf(0)).toBe('fail')
    expect(verdictOf(0.000999)).toBe('fail')
    expect(verdictOf(0.001)).toBe('warn')
    expect(verdictOf(0.00999)).toBe('warn')
    expect(verdictOf(0.01)).toBe('pass')
    expect(verdictOf(0.7)).toBe('pass')
  })

  it('takes the thresholds a case states', () => {
    expect(verdictOf(0.02, { fail: 0.01, warn: 0.05 })).toBe('warn')
    expect(() => verdictOf(0.5, { fail: 0.1, warn: 0.01 })).toThrow(RangeError)
    expect(() => verdictOf(Number.NaN)).toThrow(RangeError)
  })
})

describe('starved', () => {
  it('names a usable backend with share ≥ 10 % that got nothing', () => {
    expect(starved([250, 250, 0], [1, 1, 1])).toEqual({ starved: true, backends: [2] })
    expect(starved([250, 249, 1], [1, 1, 1])).toEqual({ starved: false, backends: [] })
  })

  it('does not count a backend below minShare, or one that takes no share', () => {
    // 95:5 — the small backend's share is 5 %, below the 10 % bar.
    expect(starved([500, 0], [95, 5]).starved).toBe(false)
    expect(starved([500, 0], [95, 5], 0.05).backends).toEqual([1])
    expect(starved([500, 0], [1, 0]).starved).toBe(false)
  })
})
