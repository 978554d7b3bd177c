import type { CaseResult } from './run-result.js'
import { isBlocking, type Status } from './verdict.js'

/**
 * The statuses a declared deviation can excuse: the target's own findings.
 * An `error` is the harness failing, which no declaration about the target covers.
 */
const EXCUSABLE: readonly Status[] = ['fail', 'warn', 'timeout']

/** True when a live (unexpired) declaration covers this result's failing verdict. */
export function isExcused(result: CaseResult): boolean {
  const declared = result.declared
  return (
    declared !== undefined &&
    declared.expired !== true &&
    declared.unexpectedPass !== true &&
    EXCUSABLE.includes(result.verdict.status)
  )
}

/** The one rule for "this result fails the run": blocking at its level and not declared. */
export function countsAgainst(result: CaseResult, strict: boolean): boolean {
  return isBlocking(result.level, result.verdict.status, strict) && !isExcused(result)
}
