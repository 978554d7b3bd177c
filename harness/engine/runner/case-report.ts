import type { BalanceDistribution, BalanceEvidence, BalanceTimeline } from '../model/balance.js'
import type { CaseReport } from '../model/case-context.js'
import { HarnessError } from '../../net/errors.js'

/** ctx.report for one case, and what it recorded for the CaseResult. */
export interface CaseReportRecorder {
  readonly report: CaseReport
  /** What the case recorded so far (undefined: nothing), a copy. */
  evidence(): BalanceEvidence | undefined
}

const tenth = (ms: number): number => Math.round(ms * 10) / 10

// A number the JSON report cannot carry (NaN, Infinity) or a negative count is
// the case's mistake: it is an error of the case, not a chart with holes.
function finite(what: string, value: number | undefined, min = -Infinity): void {
  if (value === undefined) return
  if (!Number.isFinite(value) || value < min)
    throw new HarnessError('HARNESS_BAD_INPUT', `ctx.report: ${what} is ${value}`)
}

function checkedDistribution(d: BalanceDistribution): BalanceDistribution {
  for (const b of d.backends) {
    finite(`${d.title}: ${b.name} observed`, b.observed, 0)
    finite(`${d.title}: ${b.name} expected`, b.expected, 0)
  }
  finite(`${d.title}: test statistic`, d.test?.statistic)
  finite(`${d.title}: test df`, d.test?.df, 0)
  finite(`${d.title}: test p-value`, d.test?.pValue, 0)
  return structuredClone(d)
}

function checkedTimeline(t: BalanceTimeline): BalanceTimeline {
  for (const f of t.faults) finite(`${t.title}: fault time`, f.at)
  for (const r of t.requests) finite(`${t.title}: request ${r.id} time`, r.at)
  return {
    ...structuredClone(t),
    faults: t.faults.map((f) => ({ ...f, at: tenth(f.at) })),
    requests: t.requests.map((r) => ({ ...r, at: tenth(r.at) })),
  }
}

/** `startedAt`: the case's start as performance.now(), the zero of every timeline. */
export function caseReportRecorder(startedAt: number): CaseReportRecorder {
  const distributions: BalanceDistribution[] = []
  const timelines: BalanceTimeline[] = []
  return {
    report: {
      distribution(d) {
        distributions.push(checkedDistribution(d))
      },
      timeline(t) {
        timelines.push(checkedTimeline(t))
      },
      at: (performanceNow = performance.now()) => tenth(performanceNow - startedAt),
    },
    evidence() {
      if (distributions.length === 0 && timelines.length === 0) return undefined
      return {
        ...(distributions.length === 0 ? {} : { distributions: [...distributions] }),
        ...(timelines.length === 0 ? {} : { timelines: [...timelines] }),
      }
    },
  }
}
