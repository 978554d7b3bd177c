import { describe, expect, it } from 'vitest'
import { inSuite, type ConformanceCase } from '../model/case.js'
import { conforms } from '../model/outcome.js'
import type { Role } from '../model/roles.js'
import { isHarnessError } from '../../net/errors.js'
import { dealShard, parseShard, runUnits, sliceShard, unitKey, unitRef } from './shard.js'

const make = (id: string, roles: readonly [Role, ...Role[]]): ConformanceCase => {
  const [suite = '', slug = ''] = id.split('/')
  return inSuite(suite, {
    id: slug,
    title: id,
    requirements: ['X-01'],
    spec: [{ rfc: 9110, section: '7.6.1' }],
    requirement: 'r',
    level: 'MUST',
    roles,
    run: () => Promise.resolve(conforms()),
  })
}

// Four cases: one for both roles of the run, one for each, one for neither.
const catalog = [
  make('a/both', ['forward', 'reverse']),
  make('a/forward-only', ['forward']),
  make('b/reverse-only', ['reverse']),
  make('b/ftp-only', ['ftp-gateway']),
]
const roles: readonly Role[] = ['forward', 'reverse']
const keys = (units: readonly { c: ConformanceCase; role: Role }[]): string[] =>
  units.map((u) => unitKey(unitRef({ ...u, applicable: true })))

describe('parseShard', () => {
  it('reads i/n', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 })
    expect(parseShard('4/4')).toEqual({ index: 4, count: 4 })
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 })
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 })
  })

  it.each(['0/4', '5/4', 'x', '1/0', '', '1/', '/4', '-1/4', '1.5/4', '1/4/2', '2/1001'])(
    'refuses %j in one line (HARNESS_BAD_INPUT)',
    (text) => {
      let thrown: unknown
      try {
        parseShard(text)
      } catch (error) {
        thrown = error
      }
      expect(isHarnessError(thrown, 'HARNESS_BAD_INPUT')).toBe(true)
      const message = (thrown as Error).message
      expect(message).not.toContain('\n')
      expect(message).toContain(`--shard takes i/n with 1 <= i <= n`)
      expect(message).toContain(JSON.stringify(text))
    },
  )
})

describe('runUnits', () => {
  it('is the unsharded result order: cases in catalog order, each in the run’s roles; once in the first role when none applies', () => {
    const units = runUnits(catalog, roles)
    expect(units.map((u) => [u.c.id, u.role, u.applicable])).toEqual([
      ['a/both', 'forward', true],
      ['a/both', 'reverse', true],
      ['a/forward-only', 'forward', true],
      ['b/reverse-only', 'reverse', true],
      ['b/ftp-only', 'forward', false],
    ])
  })
})

describe('dealShard', () => {
  // 30 cases × 2 roles, and a not-applicable one: 61 units.
  const many = [
    ...Array.from({ length: 30 }, (_, i) => make(`s${i % 3}/c${i}`, ['forward', 'reverse'])),
    make('z/none', ['tunnel']),
  ]
  const units = runUnits(many, roles)

  it.each([1, 2, 3, 4, 7, 61, 100])(
    'n=%i: disjoint, together the whole run once, sizes within one, each in canonical order',
    (n) => {
      const shards = Array.from({ length: n }, (_, i) =>
        dealShard(units, roles, { index: i + 1, count: n }),
      )
      const all = shards.flatMap(keys)
      expect(new Set(all).size).toBe(all.length)
      expect([...all].sort()).toEqual([...keys(units)].sort())
      const sizes = shards.map((s) => s.length)
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      const order = new Map(keys(units).map((k, i) => [k, i]))
      for (const shard of shards) {
        const positions = keys(shard).map((k) => order.get(k)!)
        expect(positions).toEqual([...positions].sort((a, b) => a - b))
      }
    },
  )

  it('is deterministic and deals by role, then by case', () => {
    const again = dealShard(runUnits(many, roles), roles, { index: 2, count: 4 })
    expect(keys(again)).toEqual(keys(dealShard(units, roles, { index: 2, count: 4 })))
    // Sorted by role then case, the forward units come first: shard 1 of 2 takes every other one.
    const first = dealShard(units, roles, { index: 1, count: 2 })
    const forward = first.filter((u) => u.role === 'forward' && u.applicable).map((u) => u.c.id)
    expect(forward).toEqual(many.filter((_, i) => i < 30 && i % 2 === 0).map((c) => c.id))
    // Each shard gets cases of every suite (s0, s1, s2): the suites' durations spread.
    for (let i = 1; i <= 4; i += 1) {
      const suites = new Set(dealShard(units, roles, { index: i, count: 4 }).map((u) => u.c.suite))
      expect([...suites].filter((s) => s.startsWith('s')).sort()).toEqual(['s0', 's1', 's2'])
    }
  })

  it('accounts for a not-applicable unit exactly once', () => {
    const holders = [1, 2, 3, 4].filter((i) =>
      dealShard(units, roles, { index: i, count: 4 }).some((u) => !u.applicable),
    )
    expect(holders).toHaveLength(1)
  })
})

describe('sliceShard', () => {
  it('cuts contiguous slices whose sizes differ by one at most, covering everything once', () => {
    const items = Array.from({ length: 10 }, (_, i) => i)
    const slices = [1, 2, 3, 4].map((index) => sliceShard(items, { index, count: 4 }))
    expect(slices).toEqual([
      [0, 1],
      [2, 3, 4],
      [5, 6],
      [7, 8, 9],
    ])
    expect(sliceShard([1, 2], { index: 3, count: 4 })).toEqual([])
    expect(sliceShard(items, { index: 1, count: 1 })).toEqual(items)
  })
})
