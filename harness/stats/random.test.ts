import { describe, expect, it } from 'vitest'
import { chiSquareGoodnessOfFit } from './goodness-of-fit.js'
import { seededRandom, xoshiro128ss } from './random.js'

describe('seededRandom', () => {
  it('is xoshiro128** (outputs of the reference C code for this state)', () => {
    const next = xoshiro128ss([0x12345678, 0x9abcdef0, 0xdeadbeef, 0x0badf00d])
    expect(Array.from({ length: 8 }, next)).toEqual([
      2576881682, 1162350735, 808537200, 2062165408, 3804998253, 141604735, 2037853177, 2208554992,
    ])
  })

  it('repeats for a seed and differs between seeds', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const c = seededRandom(43)
    const first = Array.from({ length: 5 }, () => a.uint32())
    expect(Array.from({ length: 5 }, () => b.uint32())).toEqual(first)
    expect(Array.from({ length: 5 }, () => c.uint32())).not.toEqual(first)
    expect(seededRandom(7).hex(20)).toMatch(/^[0-9a-f]{20}$/)
    expect(seededRandom(7).hex(20)).toBe(seededRandom(7).hex(20))
  })

  it('spreads evenly (below, pick), as the chi-square test sees it', () => {
    const random = seededRandom(1)
    const counts = [0, 0, 0, 0, 0, 0]
    for (let i = 0; i < 6000; i++) counts[random.below(6)]! += 1
    expect(chiSquareGoodnessOfFit(counts, [1, 1, 1, 1, 1, 1]).pValue).toBeGreaterThan(0.001)
    const picked = [0, 0, 0]
    for (let i = 0; i < 5000; i++) picked[random.pick([3, 1, 1])]! += 1
    expect(chiSquareGoodnessOfFit(picked, [3, 1, 1]).pValue).toBeGreaterThan(0.001)
    expect(random.next()).toBeGreaterThanOrEqual(0)
    expect(random.pick([0, 1, 0])).toBe(1)
  })
})
