// `proxyspec merge`: the reports of `proxyspec run --shard i/n` joined back
// into the report the unsharded run would have written. Each shard records
// every (case, role) unit of the whole run in the canonical order
// (harness/engine/runner/shard.ts); the join checks that the shards are of one
// run, that no unit is in two of them and that none is missing, then puts the
// results back in that order and counts the summary again.
import {
  MAX_UNATTRIBUTED_EVENTS,
  type CaseResult,
  type RunResult,
  type ShardInfo,
  type UnattributedOrigin,
} from '../harness/engine/model/run-result.js'
import { summarize } from '../harness/engine/model/summary.js'
import { HarnessError } from '../harness/net/errors.js'
import { describeSelection } from '../harness/engine/runner/select.js'
import { caseKey } from './diff.js'

/** A shard's report and the file it came from (for the messages). */
export interface ShardReport {
  readonly path: string
  readonly run: RunResult
}

const bad = (message: string): HarnessError => new HarnessError('HARNESS_BAD_INPUT', message)

/** The shard a report records; one line when it records none. */
export function shardOf(file: ShardReport): ShardInfo {
  const { shard } = file.run.run.options
  if (shard === undefined) {
    throw bad(
      `${file.path} is the report of a whole run, not of a shard (proxyspec run --shard i/n writes those)`,
    )
  }
  return shard
}

/**
 * What must be equal for reports to be shards of one run, each with the words
 * the refusal uses and how it shows the value: the tool, the target, the
 * selection and the settings that decide verdicts (concurrency, and where and
 * when each shard ran, may differ).
 */
function identity(run: RunResult): readonly (readonly [string, unknown, string])[] {
  const o = run.run.options
  const selection = describeSelection({
    suites: o.suites,
    cases: o.cases,
    exclude: o.exclude ?? [],
  })
  const settings = {
    timeoutMs: o.timeoutMs,
    strict: o.strict,
    host: o.host,
    repeat: o.repeat,
    restartOnCrash: o.restartOnCrash,
  }
  const units = o.shard?.units ?? []
  return [
    ['proxyspec versions', run.tool.version, run.tool.version],
    [
      'targets',
      [run.target.label, run.target.roles],
      `${run.target.label} [${run.target.roles.join(', ')}]`,
    ],
    [
      'selections',
      [o.suites, o.cases, o.exclude ?? [], o.fronts ?? ['h1']],
      `${selection === '' ? 'every case' : selection} --front ${(o.fronts ?? ['h1']).join(',')}`,
    ],
    ['shard counts', o.shard?.count, `${o.shard?.count ?? 'none'}`],
    [
      'lists of (case, role) units (the catalog differs)',
      units,
      `${units.length} units, first ${units[0] === undefined ? 'none' : caseKey(units[0])}`,
    ],
    [
      'run settings (--timeout, --strict, --host, --repeat, --restart-on-crash)',
      settings,
      JSON.stringify(settings),
    ],
  ]
}

/** Throws one line unless every file is of the same run as the first. */
function checkOneRun(files: readonly ShardReport[]): void {
  const [first, ...rest] = files
  if (first === undefined) return
  const expected = identity(first.run)
  for (const file of rest) {
    const actual = identity(file.run)
    expected.forEach(([what, value, shown], i) => {
      const other = actual[i]
      if (other !== undefined && JSON.stringify(value) !== JSON.stringify(other[1])) {
        throw bad(
          `${first.path} and ${file.path} are not shards of one run: their ${what} differ (${shown}; ${other[2]})`,
        )
      }
    })
  }
}

/**
 * Checks that `files` are the n shards of one run, each once, and joins them
 * (joinShards). Throws a one-line HarnessError naming the file or the shard.
 */
export function mergeShards(files: readonly ShardReport[]): RunResult {
  if (files.length === 0) throw bad('nothing to merge: name the shards’ report.json files')
  const shards = files.map(shardOf)
  checkOneRun(files)
  const count = shards[0]!.count
  const seen = new Map<number, string>()
  files.forEach((file, i) => {
    const { index } = shards[i]!
    const before = seen.get(index)
    if (before !== undefined)
      throw bad(`shard ${index}/${count} is given twice: ${before} and ${file.path}`)
    seen.set(index, file.path)
  })
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i))
  if (missing.length > 0) {
    throw bad(
      `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (given: ${[
        ...seen.keys(),
      ]
        .sort((a, b) => a - b)
        .map((i) => `${i}/${count}`)
        .join(', ')})`,
    )
  }
  return joinShards(files)
}

/**
 * Joins reports that each hold some units of one run (the shards of a run,
 * or the pieces of one matrix pass that several matrix shards ran) into the
 * whole run's report: results in the canonical order of the units the
 * shards record, the summary counted again, target output and crashes
 * gathered in shard order. Throws one line when they are not of one run,
 * when a unit has a result in two of them or in none.
 */
export function joinShards(files: readonly ShardReport[]): RunResult {
  const shards = files.map(shardOf)
  checkOneRun(files)
  const order = [...files.keys()].sort((a, b) => shards[a]!.index - shards[b]!.index)
  const sorted = order.map((i) => files[i]!)
  const first = sorted[0]
  if (first === undefined) throw bad('nothing to merge')
  const units = shardOf(first).units
  const wanted = new Set(units.map(caseKey))
  const found = new Map<string, { result: CaseResult; path: string }>()
  for (const file of sorted) {
    for (const result of file.run.results) {
      const key = caseKey(result)
      if (!wanted.has(key)) {
        throw bad(
          `${file.path} holds a result (${result.id} [${result.role}]) that is no unit of its run`,
        )
      }
      const other = found.get(key)
      if (other !== undefined) {
        throw bad(
          `${result.id} [${result.role}] has a result in both ${other.path} and ${file.path}: the shards overlap`,
        )
      }
      found.set(key, { result, path: file.path })
    }
  }
  const absent = units.filter((u) => !found.has(caseKey(u)))
  if (absent.length > 0) {
    const shown = absent
      .slice(0, 3)
      .map((u) => `${u.id} [${u.role}]`)
      .join(', ')
    throw bad(
      `${absent.length} (case, role) unit${absent.length === 1 ? ' has' : 's have'} no result in any shard: ${shown}${absent.length > 3 ? ', …' : ''} (a shard cut short, or one left out)`,
    )
  }
  const results = units.map((u) => found.get(caseKey(u))!.result)
  const runs = sorted.map((f) => f.run)
  const startedAt = runs.map((r) => r.run.startedAt).sort()[0]!
  const finishedAt = runs
    .map((r) => r.run.finishedAt)
    .sort()
    .at(-1)!
  const stderr = sorted
    .map((f) => {
      const text = f.run.target.stderr ?? ''
      const shard = shardOf(f)
      return text === '' || sorted.length === 1
        ? text
        : `--- shard ${shard.index}/${shard.count} ---\n${text}`
    })
    .join('')
  const crashes = runs.flatMap((r) => r.target.crashes ?? [])
  const balancerProfile = runs.find((r) => r.target.balancerProfile !== undefined)?.target
    .balancerProfile
  const options = { ...first.run.run.options }
  delete options.shard
  const target = { ...first.run.target }
  delete target.stderr
  delete target.crashes
  delete target.balancerProfile
  const unattributedOrigin = gatherUnattributed(runs)
  return {
    schemaVersion: first.run.schemaVersion,
    tool: first.run.tool,
    run: {
      ...first.run.run,
      startedAt,
      finishedAt,
      // The span from the first shard's start to the last one's end: what the jobs took.
      durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)),
      options,
    },
    target: {
      ...target,
      ...(stderr === '' ? {} : { stderr }),
      ...(crashes.length === 0 ? {} : { crashes }),
      ...(balancerProfile === undefined ? {} : { balancerProfile }),
    },
    summary: summarize(results, options.strict),
    results,
    ...(unattributedOrigin === undefined ? {} : { unattributedOrigin }),
  }
}

function gatherUnattributed(runs: readonly RunResult[]): UnattributedOrigin | undefined {
  const total = runs.reduce((sum, r) => sum + (r.unattributedOrigin?.total ?? 0), 0)
  if (total === 0) return undefined
  const events = runs
    .flatMap((r) => r.unattributedOrigin?.events ?? [])
    .slice(0, MAX_UNATTRIBUTED_EVENTS)
  return { total, events }
}
