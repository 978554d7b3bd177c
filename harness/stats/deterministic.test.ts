import { describe, expect, it } from 'vitest'
import {
  multiWorkerBand,
  reduceWeights,
  roundRobinPeriodic,
  weightedWindows,
} from './deterministic.js'

const repeat = (pattern: string, times: number): string[] =>
  Array.from({ length: times }, () => pattern.split(' ')).flat()

describe('roundRobinPeriodic', () => {
  const backends = ['s1', 's2', 's3', 's4']

  it('passes s1 s2 s3 s4 s1 (HAProxy balance-rr.vtc), starting anywhere in the cycle', () => {
    expect(roundRobinPeriodic(['s1', 's2', 's3', 's4', 's1'], backends)).toMatchObject({
      pass: true,
      period: 4,
    })
    expect(roundRobinPeriodic(repeat('s3 s1 s4 s2', 5), backends).pass).toBe(true)
  })

  it('fails where request k and k + B differ, and says where', () => {
    const check = roundRobinPeriodic(['s1', 's2', 's3', 's4', 's1', 's3', 's2', 's4'], backends)
    expect(check).toMatchObject({ pass: false, mismatchAt: 1 })
    expect(check.reason).toBe('request 1 reached s2 but request 5 reached s3')
  })

  it('fails a balancer stuck on one backend, and a request to an unknown one', () => {
    expect(roundRobinPeriodic(repeat('s1', 8), backends)).toMatchObject({ pass: false })
    expect(roundRobinPeriodic(['s1', 's2', 'backup'], ['s1', 's2']).reason).toMatch(
      /request 2 reached backup, not a usable backend/,
    )
  })

  it('too few requests to show a period is a harness fault', () => {
    expect(() => roundRobinPeriodic(['s1'], backends)).toThrow(RangeError)
  })
})

describe('weightedWindows', () => {
  it('passes nginx smooth weighted round robin (5:1:1 → a a b a c a a)', () => {
    const check = weightedWindows(repeat('a a b a c a a', 6), { a: 5, b: 1, c: 1 })
    expect(check).toMatchObject({ pass: true, window: 7, windows: 36 })
  })

  it('reduces the weights by their gcd (10:20 is 1:2, a window of 3)', () => {
    expect(reduceWeights({ a: 10, b: 20, c: 0 })).toEqual({ a: 1, b: 2, c: 0 })
    expect(weightedWindows(repeat('b a b', 10), { a: 10, b: 20 })).toMatchObject({
      pass: true,
      window: 3,
    })
  })

  it('allows ±1 (HAProxy-style interleaving) but not a run of one backend (weights ignored)', () => {
    // a a a a a b c: every window of 7 still holds 5/1/1, ±1 allowed when scaled.
    expect(weightedWindows(repeat('a a a a a b c', 4), { a: 5, b: 1, c: 1 }).pass).toBe(true)
    const equal = weightedWindows(repeat('a b c', 10), { a: 5, b: 1, c: 1 })
    expect(equal).toMatchObject({ pass: false, offending: { start: 0 } })
    expect(equal.reason).toBe('requests 0…6 held 3 for a, weight 5 ±1')
  })

  it('fails a request to a backend without weight', () => {
    expect(weightedWindows(['a', 'b', 'a', 'x'], { a: 1, b: 1, x: 0 }).reason).toMatch(
      /request 3 reached x, which has no weight/,
    )
  })
})

describe('multiWorkerBand', () => {
  it('passes counts within K·w of N·w/W, with the numbers per backend', () => {
    const check = multiWorkerBand({ a: 302, b: 99, c: 99 }, { a: 3, b: 1, c: 1 }, 4)
    expect(check.pass).toBe(true)
    expect(check.rows[0]).toEqual({
      backend: 'a',
      observed: 302,
      expected: 300,
      deviation: 2,
      band: 12,
      within: true,
    })
  })

  it('fails a backend outside its band, and counts on a backend without weight', () => {
    const check = multiWorkerBand({ a: 250, b: 250 }, { a: 30, b: 10 }, 2)
    expect(check.pass).toBe(false)
    expect(check.reason).toBe('a got 250, expected 375.0 ±6; b got 250, expected 125.0 ±2')
    expect(multiWorkerBand({ a: 10, b: 9, x: 1 }, { a: 1, b: 1 }, 4).pass).toBe(false)
  })
})
