import type { ConformanceCase } from '../model/case.js'
import {
  MAX_UNATTRIBUTED_EVENTS,
  type CaseResult,
  type UnattributedOrigin,
  type UnattributedOriginEvent,
} from '../model/run-result.js'
import type { OriginStray } from '../../origin/types.js'
import {
  DEFAULT_CONCURRENCY,
  type RunEnvironment,
  type TargetEndpoint,
} from '../environment/environment.js'
import { notApplicable, notRun } from './run-case.js'
import { runUnits, type RunUnit } from './shard.js'
import { Supervisor, type CrashOptions, type WorkItem } from './supervise.js'

export interface RunSuitesOptions {
  /** Cases running at once. Our components are per-case isolated by token, so this is safe. @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number
  /** Called as each case starts (progress display). */
  readonly onStart?: (c: ConformanceCase, target: TargetEndpoint) => void
  /** Called as each result arrives (progress display); not for the cases a stopped run did not run. */
  readonly onResult?: (result: CaseResult) => void
  /** What happens when a target goes down (harness/engine/runner/supervise.ts). @default the run stops */
  readonly crash?: CrashOptions
  /**
   * The (case, role) units to run, in result order (a shard's share, see
   * shard.ts); an applicable unit's role must be one of the targets'.
   * @default runUnits(cases, the targets' roles): every case in each of them
   */
  readonly units?: readonly RunUnit[]
}

/**
 * Runs each case in every role of the run it applies to (one target endpoint
 * per role), with bounded concurrency; results come back in catalog order
 * whatever order they finish in. A case that applies to none of the run's
 * roles is reported once as not applicable. When a target goes down the run
 * stops, or restarts it (options.crash): either way the cases it took down
 * and those not run are `error`, never the target's verdict.
 */
export async function runSuites(
  cases: readonly ConformanceCase[],
  targets: readonly TargetEndpoint[],
  env: RunEnvironment,
  options: RunSuitesOptions = {},
): Promise<CaseResult[]> {
  return (await runSuitesReport(cases, targets, env, options)).results
}

/** What runSuitesReport gives: the results and the origin traffic no case token names. */
export interface SuitesReport {
  readonly results: CaseResult[]
  readonly unattributedOrigin?: UnattributedOrigin
}

/**
 * runSuites, plus what the origin received that no case token names (issue
 * 10, item 21): token-less requests and origin parse errors. One that came on
 * an origin connection which earlier carried a case's request is attributed
 * to that case (a note in its evidence) as well as listed run-wide: through a
 * pooled upstream connection, a desync shows up in whichever case runs next,
 * and the connection says whose bytes it was.
 */
export async function runSuitesReport(
  cases: readonly ConformanceCase[],
  targets: readonly TargetEndpoint[],
  env: RunEnvironment,
  options: RunSuitesOptions = {},
): Promise<SuitesReport> {
  const units =
    options.units ??
    runUnits(
      cases,
      targets.map((t) => t.role),
    )
  const startedAt = performance.now()
  const strayStart = env.origin.strayCount
  const results: (CaseResult | undefined)[] = []
  const work: WorkItem[] = []
  for (const { c, role, applicable } of units) {
    if (!applicable) {
      const result = notApplicable(c, role)
      results.push(result)
      options.onResult?.(result)
      continue
    }
    work.push({ index: results.length, c, role })
    results.push(undefined)
  }
  /** Which result a token's requests belong to. */
  const owners = new Map<string, number>()
  const supervisor = new Supervisor({
    work,
    targets,
    env,
    options: options.crash ?? {},
    publish: (item, result, announce = true) => {
      results[item.index] = result
      if (announce) options.onResult?.(result)
    },
    onToken: (item, token) => owners.set(token, item.index),
    ...(options.onStart === undefined ? {} : { onStart: options.onStart }),
  })
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, work.length))
  const { stopped } = await supervisor.run(concurrency)
  if (stopped !== undefined) {
    // Every case without a verdict is listed, not dropped: the report shows what was not run.
    for (const item of work) {
      results[item.index] ??= notRun(item.c, item.role, stopped)
    }
  }
  // Strays of this run only: the environment may have served earlier runs.
  const seen = env.origin.strayCount - strayStart
  const strays = seen <= 0 ? [] : env.origin.strays().slice(-seen)
  const events: UnattributedOriginEvent[] = []
  for (const stray of strays) {
    const index = stray.owner === undefined ? undefined : owners.get(stray.owner)
    const owner = index === undefined ? undefined : results[index]
    if (owner !== undefined && index !== undefined)
      results[index] = withNote(owner, strayNote(stray, startedAt))
    if (events.length < MAX_UNATTRIBUTED_EVENTS)
      events.push({
        kind: stray.kind,
        conn: stray.conn,
        t: Math.round(stray.at - startedAt),
        detail: stray.detail,
        ...(owner === undefined ? {} : { case: { id: owner.id, role: owner.role } }),
      })
  }
  return {
    results: results.filter((r): r is CaseResult => r !== undefined),
    ...(seen <= 0 ? {} : { unattributedOrigin: { total: seen, events } }),
  }
}

function strayNote(stray: OriginStray, startedAt: number): string {
  const what =
    stray.kind === 'request'
      ? `a request without this case's token from the target: ${stray.detail}`
      : `bytes from the target it could not parse (${stray.detail})`
  return `origin connection ${stray.conn}, which carried this case's request, then received ${what}, ${Math.round(stray.at - startedAt)} ms into the run`
}

function withNote(result: CaseResult, note: string): CaseResult {
  return { ...result, evidence: { ...result.evidence, notes: [...result.evidence.notes, note] } }
}
