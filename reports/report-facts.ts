import { LEVELS, type Level } from '../harness/engine/model/level.js'
import type { RunResult, RunSummary } from '../harness/engine/model/run-result.js'
import { STATUSES, type Status } from '../harness/engine/model/verdict.js'
import { summarize } from '../harness/engine/model/summary.js'

// Facts every human-readable format states the same way, computed in one place.

export type StatusCounts = Record<Status, number>

const zero = (): StatusCounts => Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts

export interface CountRow<K extends string> {
  /** '' for the total row. */
  readonly key: K | ''
  readonly counts: StatusCounts
  readonly total: number
}

function rows<K extends string>(
  run: RunResult,
  keyOf: (r: RunResult['results'][number]) => K,
  order: readonly K[],
): CountRow<K>[] {
  const byKey = new Map<K, StatusCounts>(order.map((k) => [k, zero()]))
  const total = zero()
  for (const result of run.results) {
    const key = keyOf(result)
    const counts = byKey.get(key) ?? zero()
    counts[result.verdict.status] += 1
    total[result.verdict.status] += 1
    byKey.set(key, counts)
  }
  const sum = (c: StatusCounts): number => STATUSES.reduce((n, s) => n + c[s], 0)
  return [
    ...[...byKey]
      .filter(([, c]) => sum(c) > 0)
      .map(([key, counts]) => ({ key, counts, total: sum(counts) })),
    { key: '' as const, counts: total, total: sum(total) },
  ]
}

/** Suite × status counts in the run's order of suites, then a total row. */
export function suiteRows(
  run: RunResult,
): { suite: string; counts: StatusCounts; total: number }[] {
  return rows(run, (r) => r.suite, []).map((row) => ({
    suite: row.key,
    counts: row.counts,
    total: row.total,
  }))
}

/** Level × status counts (MUST, SHOULD, INFO), then a total row. */
export function levelRows(
  run: RunResult,
): { level: Level | ''; counts: StatusCounts; total: number }[] {
  return rows(run, (r) => r.level, LEVELS).map((row) => ({
    level: row.key,
    counts: row.counts,
    total: row.total,
  }))
}

/**
 * The run's summary under `strict`: the one computed with the run (executeRun,
 * mergeRepeats, applyExpectations) when the strictness is the run's own; it is
 * recomputed only for a report that asks for the other one.
 */
export function summaryUnder(run: RunResult, strict: boolean): RunSummary {
  return strict === run.run.options.strict ? run.summary : summarize(run.results, strict)
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

export interface RunVerdict {
  /** ok: nothing blocks; fail: blocking failures; incomplete: harness errors (exit 2). */
  readonly kind: 'ok' | 'fail' | 'incomplete'
  /** "3 blocking failures", "no blocking failure", "run incomplete: 1 harness error, 2 blocking failures" */
  readonly text: string
}

/** The one-line verdict on the run, the same in every format. */
export function runVerdict(run: RunResult, strict: boolean): RunVerdict {
  const summary = summaryUnder(run, strict)
  const blocking = summary.blocking
  const errors = summary.byStatus.error
  if (errors > 0) {
    const also = blocking > 0 ? `, ${plural(blocking, 'blocking failure')}` : ''
    return { kind: 'incomplete', text: `run incomplete: ${plural(errors, 'harness error')}${also}` }
  }
  return blocking > 0
    ? { kind: 'fail', text: plural(blocking, 'blocking failure') }
    : { kind: 'ok', text: 'no blocking failure' }
}
