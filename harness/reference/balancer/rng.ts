/**
 * A seeded pseudo-random source (mulberry32): the random policies draw from
 * it, so a test or a run that fixes the seed sees the same choices again.
 */

/** Uniform in [0, 1). */
export type RandomSource = () => number

/** mulberry32 from a 32-bit seed. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
