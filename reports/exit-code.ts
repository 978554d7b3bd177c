import type { RunResult } from '../harness/engine/model/run-result.js'
import type { RunDiff } from './diff.js'
import { summaryUnder } from './report-facts.js'

export interface ExitCodeOptions {
  /** With a baseline, only new failures count (DESIGN.md: fail only on unexpected verdicts). */
  readonly diff?: RunDiff
  /** SHOULD warnings and timeouts count too. @default run.run.options.strict */
  readonly strict?: boolean
}

/**
 * The process exit code for a run (DESIGN.md, "Exit codes"): 2 when a harness
 * error means the run could not be made as asked; 1 on a blocking failure
 * (MUST fail or timeout, SHOULD too under strict) outside declared deviations,
 * or, given a diff against a baseline, on a NEW such failure only; else 0.
 */
export function exitCode(run: RunResult, options: ExitCodeOptions = {}): 0 | 1 | 2 {
  const strict = options.strict ?? run.run.options.strict
  const summary = summaryUnder(run, strict)
  if (summary.byStatus.error > 0) return 2
  const { diff } = options
  if (diff === undefined) return summary.exitCode
  if (diff.hasNewMustFailure) return 1
  const newShould = diff.newFailures.some(
    (c) => c.level === 'SHOULD' && (c.to === 'warn' || c.to === 'timeout') && !c.declared,
  )
  return strict && newShould ? 1 : 0
}
