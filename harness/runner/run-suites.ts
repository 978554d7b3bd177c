import type { ConformanceCase } from '../model/case.js'
import type { CaseResult } from '../model/run-result.js'
import type { RunEnvironment, TargetEndpoint } from './environment.js'
import { notApplicable, notRun } from './run-case.js'
import { Supervisor, type CrashOptions, type WorkItem } from './supervise.js'

export interface RunSuitesOptions {
  /** Cases running at once. Our components are per-case isolated by token, so this is safe. @default 4 (runs: 8) */
  readonly concurrency?: number
  /** Called as each case starts (progress display). */
  readonly onStart?: (c: ConformanceCase, target: TargetEndpoint) => void
  /** Called as each result arrives (progress display); not for the cases a stopped run did not run. */
  readonly onResult?: (result: CaseResult) => void
  /** What happens when a target goes down (harness/runner/supervise.ts). @default the run stops */
  readonly crash?: CrashOptions
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
  const first = targets[0]
  if (first === undefined) throw new Error('[proxyspec] runSuites needs at least one target')
  const results: (CaseResult | undefined)[] = []
  const work: WorkItem[] = []
  for (const c of cases) {
    const applicable = targets.filter((t) => c.roles.includes(t.role))
    if (applicable.length === 0) {
      const result = notApplicable(c, first.role)
      results.push(result)
      options.onResult?.(result)
      continue
    }
    for (const target of applicable) {
      work.push({ index: results.length, c, role: target.role })
      results.push(undefined)
    }
  }
  const supervisor = new Supervisor({
    work,
    targets,
    env,
    options: options.crash ?? {},
    publish: (item, result, announce = true) => {
      results[item.index] = result
      if (announce) options.onResult?.(result)
    },
    ...(options.onStart === undefined ? {} : { onStart: options.onStart }),
  })
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, work.length))
  const { stopped } = await supervisor.run(concurrency)
  if (stopped !== undefined) {
    // Every case without a verdict is listed, not dropped: the report shows what was not run.
    for (const item of work) {
      results[item.index] ??= notRun(item.c, item.role, stopped)
    }
  }
  return results.filter((r): r is CaseResult => r !== undefined)
}
