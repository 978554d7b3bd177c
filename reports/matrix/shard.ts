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
import { PEER_NAMES, type PeerName } from '../../harness/peers/types.js'
import type { PeerRunInfo } from './model.js'

/** The `kind` of a matrix shard file, which tells it from a report.json. */
export const MATRIX_SHARD_KIND = 'proxyspec-matrix-shard'

/** One pass of the whole matrix, as every shard lists them. */
export interface MatrixPassPlan {
  /** The peer it runs (its passes keep the matrix's peer order when sets of shards are merged). */
  readonly peer: PeerName
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

interface MatrixShardFile {
  readonly path: string
  readonly shard: MatrixShard
}

/** "--targets peer:nginx,peer:squid", or "every peer": how a set of shards is named in a message. */
const targetsOf = (file: MatrixShardFile): string =>
  file.shard.selection.targets.length === 0
    ? 'every peer'
    : `--targets ${file.shard.selection.targets.join(',')}`

/**
 * Checks that `files` are the shards 1..n of one matrix run (one --targets),
 * each once; `named` adds the targets to the messages.
 */
function checkComplete(files: readonly MatrixShardFile[], named: boolean): void {
  const first = files[0]!
  const of = named ? ` of ${targetsOf(first)}` : ''
  for (const file of files) {
    for (const [what, a, b] of [
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
      throw bad(`matrix shard ${index}/${count}${of} is given twice: ${before} and ${file.path}`)
    seen.set(index, file.path)
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i))
  if (missing.length > 0) {
    const given = [...seen.keys()].sort((a, b) => a - b).map((i) => `${i}/${count}`)
    throw bad(
      `matrix shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')}${of} ${missing.length === 1 ? 'is' : 'are'} missing (given: ${given.join(', ')})`,
    )
  }
}

/**
 * The passes of the whole matrix from its shards, in the matrix's order: each
 * pass's pieces joined into one run (joinShards), its roles gathered. The
 * shards are those of one `matrix --shard i/n` run, or of several with
 * different --targets and the same selection (one CI job per peer:
 * `--targets peer:nginx --shard 1/1`), each set complete and no pass in two;
 * their passes then come in the order of an unsharded matrix over them all
 * (peers in the order of PEER_NAMES). Throws one line for shards of different
 * selections or proxyspec versions, a shard given twice or missing, a pass in
 * two sets, and a pass or a unit no shard ran.
 */
export function mergeMatrixShards(files: readonly MatrixShardFile[]): PeerRunInfo[] {
  const [first, ...rest] = files
  if (first === undefined) throw bad('nothing to merge: name the matrix shard files')
  // What the cases are: every set of shards must have the same (the targets may differ).
  const cases = (file: MatrixShardFile): unknown => ({ ...file.shard.selection, targets: [] })
  for (const file of rest) {
    for (const [what, a, b] of [
      ['proxyspec versions', first.shard.tool.version, file.shard.tool.version],
      ['selections', cases(first), cases(file)],
    ] as const) {
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw bad(
          `${first.path} and ${file.path} are not shards of one matrix: their ${what} differ`,
        )
    }
  }
  // One set of shards per --targets, each complete.
  const sets = new Map<string, MatrixShardFile[]>()
  for (const file of files) {
    const key = JSON.stringify(file.shard.selection.targets)
    sets.set(key, [...(sets.get(key) ?? []), file])
  }
  for (const set of sets.values()) checkComplete(set, sets.size > 1)
  const owner = new Map<string, MatrixShardFile>()
  const passes: MatrixPassPlan[] = []
  for (const set of sets.values()) {
    for (const pass of set[0]!.shard.passes) {
      const other = owner.get(pass.evidence)
      if (other !== undefined)
        throw bad(
          `the pass ${pass.evidence} is in the shards of ${targetsOf(other)} and of ${targetsOf(set[0]!)}: merge each pass from one run`,
        )
      owner.set(pass.evidence, set[0]!)
      passes.push(pass)
    }
  }
  const rank = (pass: MatrixPassPlan): number => PEER_NAMES.indexOf(pass.peer)
  if (sets.size > 1) passes.sort((a, b) => rank(a) - rank(b))
  const pieces = new Map<string, { path: string; info: PeerRunInfo }[]>()
  for (const file of files) {
    for (const info of file.shard.peers) {
      const list = pieces.get(info.evidence) ?? []
      list.push({ path: file.path, info })
      pieces.set(info.evidence, list)
    }
  }
  return passes.map((pass) => {
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
