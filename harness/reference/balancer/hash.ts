/**
 * Hashing for the hash policy: a 32-bit hash of the key, and a consistent
 * hash ring with virtual nodes (ketama style: 160 points per unit of weight),
 * so that when a backend leaves only its keys move (LB-19, LB-20).
 */
import { createHash } from 'node:crypto'

/** A 32-bit hash of `text` (the first four bytes of its MD5). */
export function hash32(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0)
}

/** Points each unit of weight puts on the ring. */
export const POINTS_PER_WEIGHT = 160

/** A hash ring: sorted points, each owned by an item. */
export class HashRing<T> {
  readonly #points: { readonly at: number; readonly item: T }[]

  constructor(
    items: readonly { readonly item: T; readonly name: string; readonly weight: number }[],
  ) {
    this.#points = items
      .flatMap(({ item, name, weight }) =>
        Array.from({ length: Math.max(0, weight) * POINTS_PER_WEIGHT }, (_, i) => ({
          at: hash32(`${name}-${i}`),
          item,
        })),
      )
      .sort((a, b) => a.at - b.at)
  }

  /** The first item clockwise from the key's hash that `accept` takes. */
  lookup(key: string, accept: (item: T) => boolean): T | undefined {
    const points = this.#points
    if (points.length === 0) return undefined
    const h = hash32(key)
    let lo = 0
    let hi = points.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((points[mid]?.at ?? 0) < h) lo = mid + 1
      else hi = mid
    }
    for (let i = 0; i < points.length; i += 1) {
      const point = points[(lo + i) % points.length]
      if (point !== undefined && accept(point.item)) return point.item
    }
    return undefined
  }
}
