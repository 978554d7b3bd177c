import { describe, expect, it } from 'vitest'
import {
  countsOf,
  expectedCounts,
  readmissionBoundMs,
  removalBoundMs,
  weightsOf,
} from './spread.js'

describe('balancing spread helpers', () => {
  it('computes the removal and readmission bounds of catalog §12.2.5', () => {
    const active = { path: '/healthz', interval_ms: 500, timeout_ms: 400, fall: 3, rise: 2 }
    // 500×3 + 400 = 1900, slack max(500, 380) = 500.
    expect(removalBoundMs({ policy: 'round-robin', active })).toBe(2400)
    // 500×2 + 400 = 1400, slack max(500, 280) = 500.
    expect(readmissionBoundMs({ policy: 'round-robin', active })).toBe(1900)
    // Jitter adds jitter × interval.
    expect(removalBoundMs({ policy: 'round-robin', active: { ...active, jitter: 0.1 } })).toBe(2450)
    // Passive only: out at the first failures, back after fail_timeout (10 s + 20 %).
    const passive = { max_fails: 1, fail_timeout_s: 10 }
    expect(removalBoundMs({ policy: 'round-robin', passive })).toBe(500)
    expect(readmissionBoundMs({ policy: 'round-robin', passive })).toBe(12_000)
  })

  it('counts and predicts per backend', () => {
    expect(countsOf(['O1', 'O2', 'O3'], ['O1', 'O2', 'O1', '-', 'O3'])).toEqual([2, 1, 1])
    expect(expectedCounts([3, 1, 1], 500)).toEqual([300, 100, 100])
    expect(weightsOf(undefined, 3)).toEqual([1, 1, 1])
    expect(weightsOf([3, 0], 3)).toEqual([3, 0, 1])
  })
})
