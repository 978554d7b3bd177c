/**
 * A seeded pseudo-random source for request entropy (hash keys, client
 * addresses, cookie values) and for simulations: the same seed gives the same
 * requests on every run and machine, so a hash case is repeatable and its
 * evidence can name the seed. xoshiro128** (Blackman and Vigna), seeded by
 * splitmix32; not for anything secret.
 */

export interface SeededRandom {
  readonly seed: number
  /** A float in [0, 1), 32 bits of entropy. */
  next(): number
  /** An unsigned 32-bit integer. */
  uint32(): number
  /** An integer in [0, n), without modulo bias. */
  below(n: number): number
  /** `length` lowercase hex digits. */
  hex(length: number): string
  /** An index drawn with probability proportional to weights[i]. */
  pick(weights: readonly number[]): number
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0

/** The xoshiro128** generator from a 128-bit state (four uint32s, not all 0). */
export function xoshiro128ss(state: readonly [number, number, number, number]): () => number {
  let [s0, s1, s2, s3] = state.map((x) => x >>> 0) as [number, number, number, number]
  if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128** state must not be all 0')
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0
    const t = (s1 << 9) >>> 0
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 = (s2 ^ t) >>> 0
    s3 = rotl(s3, 11)
    s0 >>>= 0
    s1 >>>= 0
    return result
  }
}

export function seededRandom(seed: number): SeededRandom {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`)
  const init = splitmix32(seed)
  const state: [number, number, number, number] = [init(), init(), init(), init()]
  if (state.every((x) => x === 0)) state[0] = 1
  const uint32 = xoshiro128ss(state)
  const next = (): number => uint32() / 2 ** 32
  const below = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`bad bound ${n}`)
    const limit = 2 ** 32 - (2 ** 32 % n)
    for (;;) {
      const x = uint32()
      if (x < limit) return x % n
    }
  }
  const hex = (length: number): string => {
    let out = ''
    while (out.length < length) out += uint32().toString(16).padStart(8, '0')
    return out.slice(0, length)
  }
  const pick = (weights: readonly number[]): number => {
    const total = weights.reduce((a, b) => a + b, 0)
    if (!(total > 0)) throw new RangeError('pick needs a weight > 0')
    let x = next() * total
    for (const [i, w] of weights.entries()) {
      if (x < w) return i
      x -= w
    }
    return weights.findLastIndex((w) => w > 0)
  }
  return { seed, next, uint32, below, hex, pick }
}
