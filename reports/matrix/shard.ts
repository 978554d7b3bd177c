// `proxyspec matrix --shard i/n` writes a matrix shard instead of matrix.md:
// the passes it ran (a pass is a peer in one profile in its HTTP roles, as a
// balancer, or as an FTP gateway), each a PeerRunInfo with the run's whole
// RunResult, or the share of a pass the shard ran. `proxyspec merge` joins the
// n shards' pieces of each pass (reports/merge-shards.ts) and writes the
// matrix from them as an unsharded `proxyspec matrix` would.
import { SCHEMA_VERSION } from '../../harness/engine/model/run-result.js'
import { HarnessError } from '../../harness/net/errors.js'
import { joinShards } from '../merge-shards.js'
import { validateRunResult } from '../validate.js'
import type { PeerRunInfo } from './model.js'

/** The `kind` of a matrix shard file, which tells it from a report.json. */
export const MATRIX_SHARD_KIND = 'proxyspec-matrix-shard'

/** One pass of the whole matrix, as every shard lists them. */
export interface MatrixPassPlan {
  /** The pass's evidence page under the site (matrix/squid-direct.html): its identity. */
  readonly evidence: string
  /** Its (case, role) units. */
  readonly units: number
}

export interface MatrixShard {
  readonly kind: typeof MATRIX_SHARD_KIND
  readonly schemaVersion: typeof SCHEMA_VERSION
  readonly tool: { readonly name: 'proxyspec'; readonly version: string }
  /** 1-based, as `--shard index/count`. */
  readonly shard: { readonly index: number; readonly count: number }
  /** What the matrix was asked for: --targets, and the selection. */
  readonly selection: {
    readonly targets: readonly string[]
    readonly suites: readonly string[]
    readonly cases: readonly string[]
    readonly exclude: readonly string[]
  }
  /** Every pass of the whole matrix, in its order: merge checks them all present. */
  readonly passes: readonly MatrixPassPlan[]
  /** The passes (or shares of passes) this shard ran, each with its RunResult. */
  readonly peers: readonly PeerRunInfo[]
}

/** `matrix-shard-2-of-4.json`. */
export function matrixShardFileName(shard: { index: number; count: number }): string {
  return `matrix-shard-${shard.index}-of-${shard.count}.json`
}

const bad = (message: string): HarnessError => new HarnessError('HARNESS_BAD_INPUT', message)

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A parsed matrix shard file, checked: one line naming the file and what is wrong otherwise. */
export function checkMatrixShard(value: unknown, path: string): MatrixShard {
  if (!isObject(value) || value.kind !== MATRIX_SHARD_KIND)
    throw bad(`${path} is not a matrix shard (no "kind": "${MATRIX_SHARD_KIND}")`)
  if (value.schemaVersion !== SCHEMA_VERSION) {
    throw bad(
      `${path}: schemaVersion ${JSON.stringify(value.schemaVersion)} is not one this proxyspec reads (${SCHEMA_VERSION})`,
    )
  }
  const shard = value.shard
  if (
    !isObject(shard) ||
    !Number.isInteger(shard.index) ||
    !Number.isInteger(shard.count) ||
    !isObject(value.tool) ||
    !isObject(value.selection) ||
    !Array.isArray(value.passes) ||
    !Array.isArray(value.peers)
  )
    throw bad(`${path} is not a matrix shard: it lacks tool, shard, selection, passes or peers`)
  value.peers.forEach((peer: unknown, i) => {
    if (!isObject(peer) || typeof peer.evidence !== 'string' || !Array.isArray(peer.roles))
      throw bad(`${path}: peers[${i}] is not a matrix pass (no evidence, no roles)`)
    const { valid, errors } = validateRunResult(peer.run)
    if (!valid)
      throw bad(`${path}: peers[${i}].run is not a proxyspec RunResult: ${errors[0] ?? ''}`)
  })
  return value as unknown as MatrixShard
}

/**
 * The passes of the whole matrix from its n shards, in the matrix's order:
 * each pass's pieces joined into one run (joinShards), its roles gathered.
 * Throws one line for shards of different matrices, a shard given twice or
 * missing, and a pass or a unit no shard ran.
 */
export function mergeMatrixShards(
  files: readonly { readonly path: string; readonly shard: MatrixShard }[],
): PeerRunInfo[] {
  const [first, ...rest] = files
  if (first === undefined) throw bad('nothing to merge: name the matrix shard files')
  for (const file of rest) {
    for (const [what, a, b] of [
      ['proxyspec versions', first.shard.tool.version, file.shard.tool.version],
      ['selections', first.shard.selection, file.shard.selection],
      ['passes', first.shard.passes, file.shard.passes],
      ['shard counts', first.shard.shard.count, file.shard.shard.count],
    ] as const) {
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw bad(
          `${first.path} and ${file.path} are not shards of one matrix: their ${what} differ`,
        )
    }
  }
  const count = first.shard.shard.count
  const seen = new Map<number, string>()
  for (const file of files) {
    const { index } = file.shard.shard
    const before = seen.get(index)
    if (before !== undefined)
      throw bad(`matrix shard ${index}/${count} is given twice: ${before} and ${file.path}`)
    seen.set(index, file.path)
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i))
  if (missing.length > 0) {
    const given = [...seen.keys()].sort((a, b) => a - b).map((i) => `${i}/${count}`)
    throw bad(
      `matrix shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (given: ${given.join(', ')})`,
    )
  }
  const pieces = new Map<string, { path: string; info: PeerRunInfo }[]>()
  for (const file of files) {
    for (const info of file.shard.peers) {
      const list = pieces.get(info.evidence) ?? []
      list.push({ path: file.path, info })
      pieces.set(info.evidence, list)
    }
  }
  return first.shard.passes.map((pass) => {
    const parts = pieces.get(pass.evidence)
    if (parts === undefined || parts.length === 0)
      throw bad(`no matrix shard holds the pass ${pass.evidence}`)
    const run = joinShards(parts.map((p) => ({ path: p.path, run: p.info.run })))
    const head = parts.map((p) => p.info).find((i) => i.version !== 'unknown') ?? parts[0]!.info
    // The roles the pieces started, in the pass's order (an unsharded pass starts them all).
    const roles = run.target.roles.flatMap((role) => {
      const found = parts.map((p) => p.info.roles.find((r) => r.role === role)).find(Boolean)
      return found === undefined ? [] : [found]
    })
    return { ...head, roles, run }
  })
}
