// `--shard i/n`: n jobs split one run's work so that together they run each
// (case, role) of the unsharded run exactly once (issue 16, item 2).
//
// The work unit is a case in one role, as runSuites runs it. Its canonical
// order is the unsharded run's result order: cases in catalog order, each in
// the run's roles in their order; a case that applies to none of the roles is
// one unit in the first role (its not-applicable result). Shards record every
// unit of the whole run in that order, and `proxyspec merge` restores it.
import { appliesTo, type ConformanceCase } from '../model/case.js'
import type { Role } from '../model/roles.js'
import type { ShardUnit } from '../model/run-result.js'
import { HarnessError } from '../../net/errors.js'

/** This job's share: the index-th of count (1-based), as `--shard index/count` names it. */
export interface Shard {
  readonly index: number
  readonly count: number
}

/** One (case, role) of a run: `applicable` false for a case no role of the run plays. */
export interface RunUnit {
  readonly c: ConformanceCase
  readonly role: Role
  readonly applicable: boolean
}

/** The most shards a run is split into: far beyond any CI fan-out, small enough to spot a typo. */
export const MAX_SHARDS = 1000

/**
 * `--shard 2/4` → {index: 2, count: 4}. Throws a one-line HARNESS_BAD_INPUT for
 * anything else: "x", "0/4", "5/4", "1/0".
 */
export function parseShard(text: string, what = '--shard'): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (match === null || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `${what} takes i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. 2/4: the second of four jobs), not ${JSON.stringify(text)}`,
    )
  }
  return { index, count }
}

/** "h2/x@reverse": a unit's identity, the same key `proxyspec diff` uses for a result. */
export function unitKey(unit: { readonly id: string; readonly role: Role }): string {
  return `${unit.id}@${unit.role}`
}

/** A RunUnit as a report records it. */
export function unitRef(unit: RunUnit): ShardUnit {
  return { id: unit.c.id, role: unit.role }
}

/** Every unit of a run over `cases` in `roles`, in the canonical (unsharded result) order. */
export function runUnits(cases: readonly ConformanceCase[], roles: readonly Role[]): RunUnit[] {
  const first = roles[0]
  if (first === undefined) throw new Error('[proxyspec] a run needs at least one role')
  return cases.flatMap((c): RunUnit[] => {
    const playing = roles.filter((role) => appliesTo(c, role))
    return playing.length === 0
      ? [{ c, role: first, applicable: false }]
      : playing.map((role) => ({ c, role, applicable: true }))
  })
}

/**
 * The units of one shard of a run (`proxyspec run --shard`), in canonical order.
 * Dealt round-robin over the units sorted by role, then by case: every shard
 * gets every n-th case of each role, so the suites' very different durations
 * (balancing and FTP stalls against quick framing cases) spread evenly, and
 * the shards' sizes differ by one unit at most.
 */
export function dealShard(
  units: readonly RunUnit[],
  roles: readonly Role[],
  shard: Shard,
): RunUnit[] {
  const position = new Map(units.map((u, i) => [u, i]))
  const byRole = [...units].sort(
    (a, b) => roles.indexOf(a.role) - roles.indexOf(b.role) || position.get(a)! - position.get(b)!,
  )
  const mine = new Set(byRole.filter((_, i) => i % shard.count === shard.index - 1))
  return units.filter((u) => mine.has(u))
}

/**
 * The index-th of `count` contiguous, near-equal slices of `items` (sizes
 * differ by one at most): `proxyspec matrix --shard` slices its passes' units
 * this way, so a shard starts few peers (each one's start-up is paid once per
 * shard that runs any of its cases) instead of every peer in every shard.
 */
export function sliceShard<T>(items: readonly T[], shard: Shard): T[] {
  const from = Math.floor(((shard.index - 1) * items.length) / shard.count)
  const to = Math.floor((shard.index * items.length) / shard.count)
  return items.slice(from, to)
}
