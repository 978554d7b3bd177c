import { describe, expect, it } from 'vitest'
import type { RunResult } from '../../harness/engine/model/run-result.js'
import { summarize } from '../../harness/engine/model/summary.js'
import { loadGoldenRun } from '../../test-fixtures/run-results/load.js'
import type { PeerRunInfo } from './model.js'
import {
  checkMatrixShard,
  mergeMatrixShards,
  MATRIX_SHARD_KIND,
  type MatrixShard,
} from './shard.js'

// Two passes of one peer: "squid" in forward and reverse (the golden run's
// 22 results), and "squid-ftp" with the first three of them.
const golden = loadGoldenRun('mixed-verdicts')
const units = (run: RunResult) => run.results.map((r) => ({ id: r.id, role: r.role }))
const ftpRun: RunResult = {
  ...golden,
  results: golden.results.slice(0, 3),
  summary: summarize(golden.results.slice(0, 3)),
}

/** A piece of a pass: the results at `indices`, as the n-th matrix shard ran them. */
function piece(
  whole: RunResult,
  evidence: string,
  indices: readonly number[],
  shard: { index: number; count: number },
): PeerRunInfo {
  const results = whole.results.filter((_, i) => indices.includes(i))
  const roles = [...new Set(results.map((r) => r.role))]
  return {
    peer: 'squid',
    version: 'Squid 5.7',
    provider: 'native',
    where: '/usr/sbin/squid',
    roles: roles.map((role) => ({ role, templates: [`squid/${role}.conf`], files: [] })),
    evidence,
    run: {
      ...whole,
      run: {
        ...whole.run,
        options: { ...whole.run.options, shard: { ...shard, units: units(whole) } },
      },
      summary: summarize(results),
      results,
    },
  }
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i)

function shardFile(index: number, peers: PeerRunInfo[]): { path: string; shard: MatrixShard } {
  return {
    path: `matrix-shard-${index}-of-2.json`,
    shard: {
      kind: MATRIX_SHARD_KIND,
      schemaVersion: 1,
      tool: { name: 'proxyspec', version: '0.1.0' },
      shard: { index, count: 2 },
      selection: { targets: [], suites: [], cases: [], exclude: [] },
      passes: [
        { peer: 'squid', evidence: 'matrix/squid.html', units: 22 },
        { peer: 'squid', evidence: 'matrix/squid-ftp.html', units: 3 },
      ],
      peers,
    },
  }
}

// Shard 1 ran the first 8 of squid's results (forward only); shard 2 the rest and the ftp pass.
const one = shardFile(1, [piece(golden, 'matrix/squid.html', range(0, 8), { index: 1, count: 2 })])
const two = shardFile(2, [
  piece(golden, 'matrix/squid.html', range(8, 22), { index: 2, count: 2 }),
  piece(ftpRun, 'matrix/squid-ftp.html', range(0, 3), { index: 2, count: 2 }),
])

describe('mergeMatrixShards', () => {
  it('joins each pass from its pieces, in the matrix order, with the roles of every piece', () => {
    const passes = mergeMatrixShards([two, one])
    expect(passes.map((p) => p.evidence)).toEqual(['matrix/squid.html', 'matrix/squid-ftp.html'])
    expect(passes[0]!.run.results).toEqual(golden.results)
    expect(passes[0]!.run.summary).toEqual(golden.summary)
    expect(passes[0]!.roles.map((r) => r.role)).toEqual(['forward', 'reverse'])
    expect(passes[1]!.run.results).toEqual(ftpRun.results)
    expect(passes[0]!.run.run.options.shard).toBeUndefined()
  })

  it('refuses a shard missing or given twice, a pass no shard ran, shards of two matrices', () => {
    expect(() => mergeMatrixShards([one])).toThrow('matrix shard 2/2 is missing (given: 1/2)')
    expect(() => mergeMatrixShards([one, two, { ...two, path: 'again.json' }])).toThrow(
      'matrix shard 2/2 is given twice: matrix-shard-2-of-2.json and again.json',
    )
    const noFtp = { ...two, shard: { ...two.shard, peers: two.shard.peers.slice(0, 1) } }
    expect(() => mergeMatrixShards([one, noFtp])).toThrow(
      'no matrix shard holds the pass matrix/squid-ftp.html',
    )
    const other = {
      ...two,
      shard: { ...two.shard, selection: { ...two.shard.selection, suites: ['tls'] } },
    }
    expect(() => mergeMatrixShards([one, other])).toThrow(
      'matrix-shard-1-of-2.json and matrix-shard-2-of-2.json are not shards of one matrix: their selections differ',
    )
    const short = {
      ...two,
      shard: {
        ...two.shard,
        peers: [
          piece(golden, 'matrix/squid.html', range(9, 22), { index: 2, count: 2 }),
          two.shard.peers[1]!,
        ],
      },
    }
    expect(() => mergeMatrixShards([one, short])).toThrow(
      /1 \(case, role\) unit has no result in any shard/,
    )
  })
})

describe('mergeMatrixShards over sets of shards with different --targets (one CI job per peer)', () => {
  const job = (peer: 'nginx' | 'squid', evidence: string): { path: string; shard: MatrixShard } => {
    const info = { ...piece(golden, evidence, range(0, 22), { index: 1, count: 1 }), peer }
    return {
      path: `${peer}/matrix-shard-1-of-1.json`,
      shard: {
        ...one.shard,
        shard: { index: 1, count: 1 },
        selection: { ...one.shard.selection, targets: [`peer:${peer}`] },
        passes: [{ peer, evidence, units: 22 }],
        peers: [info],
      },
    }
  }
  const squid = job('squid', 'matrix/squid.html')
  const nginx = job('nginx', 'matrix/nginx.html')

  it('joins them in the order of an unsharded matrix over every peer', () => {
    expect(mergeMatrixShards([squid, nginx]).map((p) => p.evidence)).toEqual([
      'matrix/nginx.html',
      'matrix/squid.html',
    ])
  })

  it('names the set in a refusal, and refuses a pass in two sets or another selection', () => {
    const twoOfThree = { ...nginx, shard: { ...nginx.shard, shard: { index: 2, count: 3 } } }
    expect(() => mergeMatrixShards([squid, twoOfThree])).toThrow(
      'matrix shards 1/3, 3/3 of --targets peer:nginx are missing (given: 2/3)',
    )
    const again = {
      ...nginx,
      shard: {
        ...nginx.shard,
        selection: { ...nginx.shard.selection, targets: ['peer:nginx', 'peer:squid'] },
      },
    }
    expect(() => mergeMatrixShards([nginx, again])).toThrow(
      'the pass matrix/nginx.html is in the shards of --targets peer:nginx and of --targets peer:nginx,peer:squid: merge each pass from one run',
    )
    const tls = {
      ...nginx,
      shard: { ...nginx.shard, selection: { ...nginx.shard.selection, suites: ['tls'] } },
    }
    expect(() => mergeMatrixShards([squid, tls])).toThrow(
      /not shards of one matrix: their selections differ/,
    )
  })
})

describe('checkMatrixShard', () => {
  it('takes a matrix shard and names what is wrong with anything else', () => {
    const json = JSON.parse(JSON.stringify(one.shard)) as unknown
    expect(checkMatrixShard(json, 'a.json').shard).toEqual({ index: 1, count: 2 })
    expect(() => checkMatrixShard({ kind: 'x' }, 'a.json')).toThrow(
      'a.json is not a matrix shard (no "kind": "proxyspec-matrix-shard")',
    )
    expect(() => checkMatrixShard({ ...one.shard, schemaVersion: 2 }, 'a.json')).toThrow(
      'a.json: schemaVersion 2 is not one this proxyspec reads (1)',
    )
    expect(() => checkMatrixShard({ ...one.shard, peers: undefined }, 'a.json')).toThrow(
      'a.json is not a matrix shard: it lacks tool, shard, selection, passes or peers',
    )
    const broken = { ...one.shard, peers: [{ ...one.shard.peers[0]!, run: { results: [] } }] }
    expect(() => checkMatrixShard(broken, 'a.json')).toThrow(
      /^\[proxyspec\] a\.json: peers\[0\]\.run is not a proxyspec RunResult: /,
    )
  })
})
