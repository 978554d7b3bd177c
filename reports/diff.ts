import { failsOnViolation, type Level } from '../harness/engine/model/level.js'
import type { Role } from '../harness/engine/model/roles.js'
import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import type { Status } from '../harness/engine/model/verdict.js'
import { isExcused } from '../harness/engine/model/declared.js'
import { isFailing } from './status.js'

/** A case result's identity across runs. Aliases are not in results, so renames show as removed + added. */
export function caseKey(result: Pick<CaseResult, 'id' | 'role'>): string {
  return `${result.id}@${result.role}`
}

/** `absent`: the run has no result under this key. */
export type DiffStatus = Status | 'absent'

export interface CaseChange {
  /** `${id}@${role}` */
  readonly key: string
  readonly id: string
  readonly role: Role
  readonly suite: string
  readonly title: string
  /** The head's level, or the base's for a removed case. */
  readonly level: Level
  readonly from: DiffStatus
  readonly to: DiffStatus
  /** The head verdict's message, or the base's for a removed case. */
  readonly message: string
  /** The head result is failing but excused by a live declared deviation. */
  readonly declared: boolean
}

export interface RunRef {
  readonly runId: string
  readonly label: string
  readonly startedAt: string
  readonly toolVersion: string
}

/**
 * What changed between two runs, keyed by `${id}@${role}`. Every key that
 * changed is in exactly one list. "Failing" means fail, warn, timeout or error.
 */
export interface RunDiff {
  readonly base: RunRef
  readonly head: RunRef
  /** Failing in head, and not failing (or absent) in base. */
  readonly newFailures: readonly CaseChange[]
  /** Failing in base, pass in head. */
  readonly fixes: readonly CaseChange[]
  /** In both runs with another status, and neither a new failure nor a fix (fail → timeout, pass → unsupported…). */
  readonly changedVerdicts: readonly CaseChange[]
  /** Only in head, and not failing there (a failing new case is a new failure). */
  readonly added: readonly CaseChange[]
  /** Only in base. */
  readonly removed: readonly CaseChange[]
  /** Keys with the same status in both runs. */
  readonly unchanged: number
  /**
   * Head results marked flaky by `--repeat` (their verdict varied between
   * attempts), whatever list they are in: a verdict that needs luck is a finding.
   */
  readonly flaky: readonly CaseChange[]
  /**
   * A new failure that is a MUST fail or MUST timeout and not a declared
   * deviation: the regression a CI job fails on.
   */
  readonly hasNewMustFailure: boolean
}

function ref(run: RunResult): RunRef {
  return {
    runId: run.run.id,
    label: run.target.label,
    startedAt: run.run.startedAt,
    toolVersion: run.tool.version,
  }
}

function index(run: RunResult): Map<string, CaseResult> {
  const map = new Map<string, CaseResult>()
  for (const result of run.results) {
    const key = caseKey(result)
    if (!map.has(key)) map.set(key, result)
  }
  return map
}

function change(
  shown: CaseResult,
  from: DiffStatus,
  to: DiffStatus,
  head: CaseResult | undefined,
): CaseChange {
  return {
    key: caseKey(shown),
    id: shown.id,
    role: shown.role,
    suite: shown.suite,
    title: shown.title,
    level: shown.level,
    from,
    to,
    message: shown.verdict.message,
    declared: head !== undefined && isExcused(head),
  }
}

/**
 * Compares a baseline run with a new one.
 * @example
 * const diff = diffRuns(baseline, run)
 * if (diff.hasNewMustFailure) process.exitCode = 1
 */
export function diffRuns(base: RunResult, head: RunResult): RunDiff {
  const before = index(base)
  const after = index(head)
  const newFailures: CaseChange[] = []
  const fixes: CaseChange[] = []
  const changedVerdicts: CaseChange[] = []
  const added: CaseChange[] = []
  const removed: CaseChange[] = []
  let unchanged = 0
  for (const [key, now] of after) {
    const was = before.get(key)
    const to = now.verdict.status
    const from: DiffStatus = was?.verdict.status ?? 'absent'
    if (from === to) unchanged += 1
    else if (isFailing(to) && (from === 'absent' || !isFailing(from)))
      newFailures.push(change(now, from, to, now))
    else if (from === 'absent') added.push(change(now, from, to, now))
    else if (isFailing(from) && to === 'pass') fixes.push(change(now, from, to, now))
    else changedVerdicts.push(change(now, from, to, now))
  }
  for (const [key, was] of before) {
    if (!after.has(key)) removed.push(change(was, was.verdict.status, 'absent', undefined))
  }
  const hasNewMustFailure = newFailures.some(
    (c) => failsOnViolation(c.level) && (c.to === 'fail' || c.to === 'timeout') && !c.declared,
  )
  return {
    base: ref(base),
    head: ref(head),
    newFailures,
    fixes,
    changedVerdicts,
    added,
    removed,
    unchanged,
    flaky: [...after.values()]
      .filter((r) => r.flaky !== undefined)
      .map((r) =>
        change(r, before.get(caseKey(r))?.verdict.status ?? 'absent', r.verdict.status, r),
      ),
    hasNewMustFailure,
  }
}
