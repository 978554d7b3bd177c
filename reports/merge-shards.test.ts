import { describe, expect, it } from 'vitest'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { summarize } from '../harness/engine/model/summary.js'
import { isHarnessError } from '../harness/net/errors.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { joinShards, mergeShards, type ShardReport } from './merge-shards.js'
import { validateRunResult } from './validate.js'

const whole = loadGoldenRun('mixed-verdicts')

/** The golden run cut into n shards, result i going to shard i mod n (as a run would record them). */
function shardsOf(run: RunResult, n: number): ShardReport[] {
  const units = run.results.map((r) => ({ id: r.id, role: r.role }))
  return Array.from({ length: n }, (_, s) => {
    const results = run.results.filter((_, i) => i % n === s)
    return {
      path: `shard-${s + 1}/report.json`,
      run: {
        ...run,
        run: {
          ...run.run,
          id: `run${s + 1}`,
          startedAt: `2026-01-0${s + 1}T10:00:00.000Z`,
          finishedAt: `2026-01-0${s + 1}T10:00:05.000Z`,
          options: { ...run.run.options, shard: { index: s + 1, count: n, units } },
        },
        target:
          s === 0
            ? run.target
            : { label: run.target.label, kind: run.target.kind, roles: run.target.roles },
        summary: summarize(results, run.run.options.strict),
        results,
      },
    }
  })
}

/** The one-line message of the HarnessError `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(isHarnessError(error, 'HARNESS_BAD_INPUT')).toBe(true)
    const message = (error as Error).message.replace(/^\[proxyspec\] /, '')
    expect(message).not.toContain('\n')
    return message
  }
  throw new Error('expected a refusal')
}

const withOptions = (file: ShardReport, options: Partial<RunResult['run']['options']>) => ({
  ...file,
  run: { ...file.run, run: { ...file.run.run, options: { ...file.run.run.options, ...options } } },
})

describe('mergeShards', () => {
  it('rebuilds the whole run: results in its order, the summary, no shard left in the options', () => {
    const shards = shardsOf(whole, 3)
    const merged = mergeShards([shards[2]!, shards[0]!, shards[1]!])
    expect(merged.results).toEqual(whole.results)
    expect(merged.summary).toEqual(whole.summary)
    expect(merged.run.options).toEqual(whole.run.options)
    expect(merged.target.label).toBe(whole.target.label)
    expect(merged.target.stderr).toBe(`--- shard 1/3 ---\n${whole.target.stderr ?? ''}`)
    expect(merged.run.startedAt).toBe('2026-01-01T10:00:00.000Z')
    expect(merged.run.finishedAt).toBe('2026-01-03T10:00:05.000Z')
    expect(merged.run.id).toBe('run1')
    expect(validateRunResult(merged)).toEqual({ valid: true, errors: [] })
    for (const shard of shards) expect(validateRunResult(shard.run).valid).toBe(true)
  })

  it('merges one shard of one (1/1), and more shards than results (empty shards)', () => {
    expect(mergeShards(shardsOf(whole, 1)).results).toEqual(whole.results)
    const many = shardsOf(whole, 30)
    expect(many.filter((s) => s.run.results.length === 0)).toHaveLength(8)
    expect(mergeShards(many).summary).toEqual(whole.summary)
  })

  it('gathers crashes and unattributed origin traffic of every shard', () => {
    const [a, b] = shardsOf(whole, 2)
    const event = { kind: 'request' as const, conn: 'o1', t: 5, detail: 'GET / HTTP/1.1' }
    const crash = {
      role: 'forward' as const,
      at: '2026-01-01T10:00:01.000Z',
      how: 'exited with code 1',
      running: [],
      alone: false,
      stderrTail: '',
      action: 'stopped' as const,
    }
    const merged = mergeShards([
      { ...a!, run: { ...a!.run, unattributedOrigin: { total: 3, events: [event] } } },
      {
        ...b!,
        run: {
          ...b!.run,
          target: { ...b!.run.target, crashes: [crash] },
          unattributedOrigin: { total: 1, events: [event] },
        },
      },
    ])
    expect(merged.unattributedOrigin).toEqual({ total: 4, events: [event, event] })
    expect(merged.target.crashes).toEqual([crash])
  })

  it('refuses in one line: nothing, a whole run, a missing or repeated shard', () => {
    const shards = shardsOf(whole, 4)
    expect(refusal(() => mergeShards([]))).toMatch(/^nothing to merge/)
    expect(refusal(() => mergeShards([{ path: 'whole.json', run: whole }]))).toBe(
      'whole.json is the report of a whole run, not of a shard (proxyspec run --shard i/n writes those)',
    )
    expect(refusal(() => mergeShards([shards[0]!, shards[1]!, shards[3]!]))).toBe(
      'shard 3/4 is missing (given: 1/4, 2/4, 4/4)',
    )
    expect(refusal(() => mergeShards([shards[0]!, shards[1]!]))).toBe(
      'shards 3/4, 4/4 are missing (given: 1/4, 2/4)',
    )
    expect(
      refusal(() => mergeShards([...shards, { ...shards[1]!, path: 'again/report.json' }])),
    ).toBe('shard 2/4 is given twice: shard-2/report.json and again/report.json')
  })

  it('refuses shards of different runs: target, version, selection, settings, units', () => {
    const [a, b] = shardsOf(whole, 2)
    const other = (run: Partial<RunResult>): ShardReport => ({ ...b!, run: { ...b!.run, ...run } })
    expect(
      refusal(() =>
        mergeShards([a!, other({ target: { ...b!.run.target, label: 'http://127.0.0.1:1' } })]),
      ),
    ).toMatch(
      /^shard-1\/report\.json and shard-2\/report\.json are not shards of one run: their targets differ \(spawn: .* \[forward, reverse\]; http:\/\/127\.0\.0\.1:1 \[forward, reverse\]\)$/,
    )
    expect(
      refusal(() => mergeShards([a!, other({ tool: { name: 'proxyspec', version: '9.9.9' } })])),
    ).toMatch(/their proxyspec versions differ \(.*; 9\.9\.9\)$/)
    expect(refusal(() => mergeShards([a!, withOptions(b!, { suites: ['connect'] })]))).toMatch(
      /their selections differ \(every case --front h1; --suite connect --front h1\)$/,
    )
    expect(refusal(() => mergeShards([a!, withOptions(b!, { timeoutMs: 500 })]))).toMatch(
      /their run settings \(--timeout, --strict, --host, --repeat, --restart-on-crash\) differ/,
    )
    const units = a!.run.run.options.shard!.units.slice(1)
    expect(
      refusal(() => mergeShards([a!, withOptions(b!, { shard: { index: 2, count: 2, units } })])),
    ).toMatch(/their lists of \(case, role\) units \(the catalog differs\) differ/)
    // Concurrency may differ: it does not decide verdicts.
    expect(mergeShards([a!, withOptions(b!, { concurrency: 1 })]).results).toEqual(whole.results)
  })

  it('refuses overlapping shards, a unit with no result, a result that is no unit', () => {
    const [a, b] = shardsOf(whole, 2)
    const first = a!.run.results[0]!
    const overlap = { ...b!, run: { ...b!.run, results: [...b!.run.results, first] } }
    expect(refusal(() => mergeShards([a!, overlap]))).toBe(
      `${first.id} [${first.role}] has a result in both shard-1/report.json and shard-2/report.json: the shards overlap`,
    )
    const short = { ...b!, run: { ...b!.run, results: b!.run.results.slice(1) } }
    const lost = b!.run.results[0]!
    expect(refusal(() => mergeShards([a!, short]))).toBe(
      `1 (case, role) unit has no result in any shard: ${lost.id} [${lost.role}] (a shard cut short, or one left out)`,
    )
    const stranger = { ...first, id: 'connect/not-in-this-run' }
    const extra = { ...b!, run: { ...b!.run, results: [...b!.run.results, stranger] } }
    expect(refusal(() => mergeShards([a!, extra]))).toBe(
      'shard-2/report.json holds a result (connect/not-in-this-run [forward]) that is no unit of its run',
    )
  })
})

describe('joinShards', () => {
  it('joins the pieces of a run that some shards hold (a matrix pass), without asking for every index', () => {
    const shards = shardsOf(whole, 4)
    const two = shardsOf(whole, 2)
    // Shard 2 of 2 holds the odd results; shards 1 and 3 of 4 hold the even ones.
    expect(() => joinShards([shards[0]!, shards[2]!, two[1]!])).toThrow(/shard counts differ/)
    const pieces = shardsOf(whole, 2)
    expect(joinShards([pieces[1]!, pieces[0]!]).results).toEqual(whole.results)
  })
})
