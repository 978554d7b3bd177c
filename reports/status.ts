import type { Status } from '../harness/engine/model/verdict.js'

/** Short labels, the same in every format. */
export const STATUS_LABEL: Readonly<Record<Status, string>> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  info: 'INFO',
  'not-applicable': 'N/A',
  unsupported: 'UNSUPPORTED',
  timeout: 'TIMEOUT',
  error: 'ERROR',
}

/**
 * Verdicts that are findings: a diff calls a move into this set a new failure
 * and a move out of it to `pass` a fix. `error` is in it because a case that
 * could not run is no longer proven, even though it is the harness's fault.
 */
export const FAILING_STATUSES: readonly Status[] = ['fail', 'warn', 'timeout', 'error']

export function isFailing(status: Status): boolean {
  return FAILING_STATUSES.includes(status)
}
