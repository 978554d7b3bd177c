// `proxyspec run --shard` and `proxyspec merge` as a user runs them: a small
// selection with cases that apply to none of the run's roles (each reported
// not applicable once, in one shard), and every refusal as one line, exit 2.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { proxyspec, type Exit } from './test-kit.js'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { MATRIX_SHARD_KIND } from '../reports/matrix/shard.js'
import { validateRunResult } from '../reports/validate.js'

/** Exit 2 and one line on stderr, no stack. */
function refused(exit: Exit): string {
  expect(exit.code).toBe(2)
  expect(exit.stderr.trim().split('\n')).toHaveLength(1)
  expect(exit.stderr).not.toMatch(/\n\s+at /)
  return exit.stderr.trim()
}

const read = async (path: string): Promise<RunResult> =>
  JSON.parse(await readFile(path, 'utf8')) as RunResult

// The balancing cases apply to neither role: not applicable, once each.
const runOf = (suites: string): string[] => [
  'run',
  '--no-config',
  '--role',
  'forward,reverse',
  '--suite',
  suites,
  '--concurrency',
  '4',
]
const RUN = runOf('upgrade,balancing')

let dir = ''
const shardFile = (i: number): string => join(dir, `s${i}`, 'report.json')
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'merge-test-'))
  // The whole run and its three shards, side by side (these cases grade no timing).
  const runs = await Promise.all([
    proxyspec([...RUN, '--out', join(dir, 'whole')]),
    ...[1, 2, 3].map((i) => proxyspec([...RUN, '--shard', `${i}/3`, '--out', join(dir, `s${i}`)])),
  ])
  for (const exit of runs) expect(exit.stderr).toBe('')
}, 60_000)
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('proxyspec run --shard, proxyspec merge', () => {
  it('merges three shards into the whole run: verdicts, order, summary, exit code', async () => {
    const whole = await read(join(dir, 'whole', 'report.json'))
    const shards = await Promise.all([1, 2, 3].map((i) => read(shardFile(i))))
    const notApplicable = whole.results.filter((r) => r.verdict.status === 'not-applicable')
    expect(notApplicable.length).toBeGreaterThan(5)
    // Each not-applicable case is in exactly one shard.
    for (const r of notApplicable) {
      const holders = shards.filter((s) => s.results.some((x) => x.id === r.id))
      expect(holders).toHaveLength(1)
    }
    const out = join(dir, 'merged')
    const exit = await proxyspec([
      'merge',
      shardFile(3),
      shardFile(1),
      shardFile(2),
      '--out',
      out,
      '--report',
      'json,md',
    ])
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(whole.summary.exitCode)
    expect(exit.stdout).toContain(`report: ${join(out, 'summary.md')}`)
    const merged = await read(join(out, 'report.json'))
    expect(validateRunResult(merged).valid).toBe(true)
    const verdicts = (run: RunResult): string[] =>
      run.results.map((r) => `${r.id} [${r.role}] ${r.verdict.status} ${r.level}`)
    expect(verdicts(merged)).toEqual(verdicts(whole))
    expect(merged.summary).toEqual(whole.summary)
    expect(merged.run.options).toEqual(whole.run.options)
  })

  it('refuses a shard missing, given twice, or from another run', async () => {
    expect(refused(await proxyspec(['merge', shardFile(1), shardFile(3)]))).toBe(
      'proxyspec: shard 2/3 is missing (given: 1/3, 3/3)',
    )
    expect(
      refused(await proxyspec(['merge', shardFile(1), shardFile(2), shardFile(2), shardFile(3)])),
    ).toMatch(/^proxyspec: shard 2\/3 is given twice: /)
    const other = join(dir, 'other')
    const run = await proxyspec([...runOf('upgrade'), '--shard', '2/3', '--out', other])
    expect(run.code).toBe(0)
    expect(
      refused(await proxyspec(['merge', shardFile(1), join(other, 'report.json'), shardFile(3)])),
    ).toMatch(
      /are not shards of one run: their selections differ \(--suite upgrade --suite balancing --front h1,h2; --suite upgrade --front h1,h2\)$/,
    )
  }, 30_000)

  it('refuses what is no shard: a whole run, other JSON, broken JSON, no file, no argument', async () => {
    const whole = join(dir, 'whole', 'report.json')
    expect(refused(await proxyspec(['merge', whole]))).toBe(
      `proxyspec: ${whole} is the report of a whole run, not of a shard (proxyspec run --shard i/n writes those)`,
    )
    const other = join(dir, 'other.json')
    await writeFile(other, '{"name":"not a report"}')
    expect(refused(await proxyspec(['merge', other]))).toMatch(
      /is neither a report\.json of proxyspec run --shard nor a matrix shard/,
    )
    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{"schemaVersion": 1, "results": [')
    expect(refused(await proxyspec(['merge', broken]))).toMatch(
      /^proxyspec: .*broken\.json: not valid JSON \(/,
    )
    const wrong = join(dir, 'wrong.json')
    await writeFile(wrong, '{"schemaVersion": 1, "results": []}')
    expect(refused(await proxyspec(['merge', wrong]))).toMatch(
      /wrong\.json: not a proxyspec RunResult: \(root\) must have required property/,
    )
    expect(refused(await proxyspec(['merge', join(dir, 'nope.json')]))).toMatch(
      /cannot read .*nope\.json: no such file$/,
    )
    expect(refused(await proxyspec(['merge']))).toMatch(/nothing to merge/)
  }, 30_000)

  it('refuses run and matrix shards together, and the other kind’s options', async () => {
    const matrix = join(dir, 'matrix-shard-1-of-1.json')
    await writeFile(
      matrix,
      JSON.stringify({
        kind: MATRIX_SHARD_KIND,
        schemaVersion: 1,
        tool: { name: 'proxyspec', version: '0.1.0' },
        shard: { index: 1, count: 1 },
        selection: { targets: [], suites: [], cases: [], exclude: [] },
        passes: [],
        peers: [],
      }),
    )
    expect(refused(await proxyspec(['merge', matrix, shardFile(1)]))).toMatch(
      /is a matrix shard and .* a run's report: merge one kind at a time$/,
    )
    expect(
      refused(await proxyspec(['merge', shardFile(1), shardFile(2), shardFile(3), '--site', 'x'])),
    ).toMatch(/--site is for matrix shards; these are run shards/)
    expect(refused(await proxyspec(['merge', matrix, '--report', 'html']))).toMatch(
      /--report is for run shards \(report\.json\); these are matrix shards/,
    )
  }, 30_000)

  it.each([['0/4'], ['5/4'], ['x'], ['1/0']])('run --shard %s: one line, exit 2', async (value) => {
    expect(refused(await proxyspec(['run', '--no-config', '--shard', value]))).toBe(
      `proxyspec: --shard takes i/n with 1 <= i <= n <= 1000 (e.g. 2/4: the second of four jobs), not "${value}"`,
    )
  })

  it('run --shard refuses --baseline (merge takes it), and merge --help explains', async () => {
    expect(
      refused(
        await proxyspec(['run', '--no-config', '--shard', '1/2', '--baseline', shardFile(1)]),
      ),
    ).toMatch(/--baseline compares whole runs, not a shard: give it to proxyspec merge/)
    const help = await proxyspec(['merge', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: proxyspec merge FILE\.\.\. \[options\]/)
    expect(help.stdout).toContain('--report LIST')
    expect((await proxyspec(['help', 'merge'])).stdout).toBe(help.stdout)
  })
})
