// `proxyspec run --repeat N`: the same selection run N times against fresh
// harness components, folded into one RunResult. A case whose attempts end
// with different verdicts is marked flaky; a flaky case is a finding too
// (a conformant target answers the same bytes the same way every time).
import {
  MAX_UNATTRIBUTED_EVENTS,
  type CaseResult,
  type RunResult,
} from '../harness/engine/model/run-result.js'
import type { Status } from '../harness/engine/model/verdict.js'
import { caseKey } from './diff.js'
import { isFailing } from './status.js'
import { summarize } from '../harness/engine/model/summary.js'

/**
 * Folds the runs of one `--repeat N` into one result: per case (id and role),
 * the first failing attempt, else the first attempt, and `flaky` with every
 * attempt's status when they differ. Results keep the first run's order; a
 * case missing from some attempt (an interrupted run) keeps the attempts it had.
 */
export function mergeRepeats(runs: readonly RunResult[]): RunResult {
  const [first, ...rest] = runs
  if (first === undefined) throw new Error('mergeRepeats needs at least one run')
  if (rest.length === 0) return first
  const attempts = new Map<string, CaseResult[]>()
  for (const run of runs) {
    for (const result of run.results) {
      const key = caseKey(result)
      const list = attempts.get(key) ?? []
      list.push(result)
      attempts.set(key, list)
    }
  }
  const results = [...attempts.values()].map((list): CaseResult => {
    const shown = list.find((r) => isFailing(r.verdict.status)) ?? list[0]!
    const statuses: Status[] = list.map((r) => r.verdict.status)
    return new Set(statuses).size > 1 ? { ...shown, flaky: { statuses } } : shown
  })
  const last = runs[runs.length - 1]!
  const strict = first.run.options.strict
  const stderr = runs.map((r) => r.target.stderr ?? '').join('')
  const crashes = runs.flatMap((r) => r.target.crashes ?? [])
  return {
    ...first,
    run: {
      ...first.run,
      finishedAt: last.run.finishedAt,
      durationMs: runs.reduce((sum, r) => sum + r.run.durationMs, 0),
      options: { ...first.run.options, repeat: runs.length },
    },
    target: {
      ...first.target,
      ...(stderr === '' ? {} : { stderr }),
      ...(crashes.length === 0 ? {} : { crashes }),
    },
    summary: summarize(results, strict),
    results,
    ...unattributedOf(runs),
  }
}

/** Every attempt's unattributed origin traffic, in order (bounded like one run's). */
function unattributedOf(runs: readonly RunResult[]): Pick<RunResult, 'unattributedOrigin'> {
  const seen = runs.flatMap((r) =>
    r.unattributedOrigin === undefined ? [] : [r.unattributedOrigin],
  )
  if (seen.length === 0) return {}
  return {
    unattributedOrigin: {
      total: seen.reduce((sum, u) => sum + u.total, 0),
      events: seen.flatMap((u) => u.events).slice(0, MAX_UNATTRIBUTED_EVENTS),
    },
  }
}

/** The flaky results of a run, for the summaries. */
export function flakyResults(run: RunResult): CaseResult[] {
  return run.results.filter((r) => r.flaky !== undefined)
}
