import type { ConformanceCase } from '../model/case.js'
import type { CaseResult } from '../model/run-result.js'
import type { RunEnvironment, TargetEndpoint } from './environment.js'
import { notApplicable, runCase } from './run-case.js'

export interface RunSuitesOptions {
  /** Cases running at once. Our components are per-case isolated by token, so this is safe. @default 4 (runs: 8) */
  readonly concurrency?: number
  /** Called as each case starts (progress display). */
  readonly onStart?: (c: ConformanceCase, target: TargetEndpoint) => void
  /** Called as each result arrives (progress display). */
  readonly onResult?: (result: CaseResult) => void
}

interface WorkItem {
  readonly index: number
  readonly c: ConformanceCase
  readonly target: TargetEndpoint
}

/**
 * Runs each case in every role of the run it applies to (one target endpoint
 * per role), with bounded concurrency; results come back in catalog order
 * whatever order they finish in. A case that applies to none of the run's
 * roles is reported once as not applicable.
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
      work.push({ index: results.length, c, target })
      results.push(undefined)
    }
  }
  let next = 0
  const worker = async (): Promise<void> => {
    for (;;) {
      if (env.signal?.aborted === true) return
      const item = work[next]
      next += 1
      if (item === undefined) return
      options.onStart?.(item.c, item.target)
      const result = await runCase(item.c, item.target, env)
      results[item.index] = result
      options.onResult?.(result)
    }
  }
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, work.length))
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results.filter((r): r is CaseResult => r !== undefined)
}
