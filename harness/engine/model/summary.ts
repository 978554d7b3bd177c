import type { CaseResult, RunSummary } from './run-result.js'
import { STATUSES, type Status } from './verdict.js'
import { countsAgainst } from './declared.js'

/**
 * Counts computed once, so no two renderers can disagree. A failing verdict
 * covered by a live declared deviation (reports/expectations.ts) keeps its
 * status in `byStatus` but does not count as blocking.
 */
export function summarize(results: readonly CaseResult[], strict = false): RunSummary {
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>
  let blocking = 0
  for (const result of results) {
    byStatus[result.verdict.status] += 1
    if (countsAgainst(result, strict)) blocking += 1
  }
  // A harness error means the run could not be made as asked: exit 2 wins over 1.
  const exitCode = byStatus.error > 0 ? 2 : blocking > 0 ? 1 : 0
  return { total: results.length, byStatus, blocking, exitCode }
}
