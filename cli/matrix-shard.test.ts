// proxyspec matrix --shard i/n and proxyspec merge on one quick real peer
// (tinyproxy, started natively): the merged matrix is the unsharded one, cell
// for cell, with the same site files. The configs differ (each run has its
// own ports), and are left out of the comparison.
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PEERS } from '../harness/peers/catalog.js'
import { nativeAbsent } from '../harness/peers/test-kit.js'
import { checkMatrixShard, matrixShardFileName } from '../reports/matrix/shard.js'

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))

function proxyspec(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stdout,
          stderr,
        }),
    )
  })
}

/** matrix.md up to its configs (ports and temp paths are each run's own). */
const tables = (markdown: string): string => markdown.slice(0, markdown.indexOf('\n## Configs'))

describe.skipIf(nativeAbsent(PEERS.tinyproxy))('proxyspec matrix --shard, merged', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'matrix-shard-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const common = [
    'matrix',
    '--targets',
    'peer:tinyproxy',
    '--suite',
    'upgrade',
    '--peer-provider',
    'native',
  ]

  it('writes matrix-shard-i-of-3.json files that merge into the unsharded matrix and site', async () => {
    const shards = join(dir, 'shards')
    const whole = await proxyspec([
      ...common,
      '--out',
      join(dir, 'whole'),
      '--site',
      join(dir, 'whole-site'),
    ])
    expect(whole.stderr).toBe('')
    expect(whole.code).toBe(0)
    for (const i of [1, 2, 3]) {
      const exit = await proxyspec([...common, '--shard', `${i}/3`, '--out', shards])
      expect(exit.stderr).toBe('')
      expect(exit.code).toBe(0)
      expect(exit.stdout).toMatch(
        new RegExp(`^matrix shard ${i}/3: \\d+ of the matrix's \\d+`, 'm'),
      )
    }
    const names = [1, 2, 3].map((index) => matrixShardFileName({ index, count: 3 }))
    expect((await readdir(shards)).sort()).toEqual(names)
    // Each a shard of the one pass (tinyproxy's forward role), disjoint slices of its units.
    const files = await Promise.all(
      names.map(async (name) =>
        checkMatrixShard(JSON.parse(await readFile(join(shards, name), 'utf8')), name),
      ),
    )
    expect(files.map((f) => f.passes)).toEqual([
      files[0]!.passes,
      files[0]!.passes,
      files[0]!.passes,
    ])
    const counts = files.map((f) => f.peers.reduce((n, p) => n + p.run.results.length, 0))
    expect(counts.reduce((a, b) => a + b, 0)).toBe(files[0]!.passes[0]!.units)
    const merged = await proxyspec([
      'merge',
      ...names.map((n) => join(shards, n)),
      '--out',
      join(dir, 'merged'),
      '--site',
      join(dir, 'merged-site'),
    ])
    expect(merged.stderr).toBe('')
    expect(merged.code).toBe(0)
    const md = (where: string): Promise<string> => readFile(join(dir, where, 'matrix.md'), 'utf8')
    const mergedMd = await md('merged')
    expect(tables(mergedMd).replaceAll('merged-site', 'whole-site')).toEqual(
      tables(await md('whole')),
    )
    expect(mergedMd).toContain('(../merged-site/matrix/tinyproxy.html#case-')
    expect((await readdir(join(dir, 'merged-site'))).sort()).toEqual(
      (await readdir(join(dir, 'whole-site'))).sort(),
    )
    expect(await readdir(join(dir, 'merged-site', 'matrix'))).toEqual(['tinyproxy.html'])
    // A shard missing: one line, exit 2, nothing written.
    const missing = await proxyspec([
      'merge',
      join(shards, names[0]!),
      join(shards, names[2]!),
      '--out',
      join(dir, 'none'),
    ])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe('proxyspec: matrix shard 2/3 is missing (given: 1/3, 3/3)\n')
  }, 120_000)
})
