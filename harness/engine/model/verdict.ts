import { failsOnViolation, LEVELS, type Level } from './level.js'
import type { Outcome } from './outcome.js'

export type Status =
  'pass' | 'fail' | 'warn' | 'info' | 'not-applicable' | 'unsupported' | 'timeout' | 'error'

export const STATUSES: readonly Status[] = [
  'pass',
  'fail',
  'warn',
  'info',
  'not-applicable',
  'unsupported',
  'timeout',
  'error',
]

/** A JSON-safe error, for `error` verdicts (our fault, never the target's). */
export interface SerializedError {
  readonly name: string
  readonly message: string
  readonly code?: string
  readonly stack?: string
}

/** What the report says about one case. Flat on purpose: every renderer reads it. */
export interface Verdict {
  readonly status: Status
  /** One line a person reads first. */
  readonly message: string
  readonly expected?: string
  readonly observed?: string
  readonly error?: SerializedError
}

/** The single place where requirement level meets observation. */
export function grade(level: Level, outcome: Outcome): Verdict {
  switch (outcome.kind) {
    case 'conforms':
      return { status: 'pass', message: outcome.note ?? 'conforms' }
    case 'observed':
      return { status: 'info', message: outcome.observation }
    case 'unsupported':
      return { status: 'unsupported', message: outcome.reason }
    case 'timeout':
      return {
        status: 'timeout',
        message: `no answer within ${Math.round(outcome.afterMs)} ms while waiting for ${outcome.waitingFor}`,
      }
    case 'violates': {
      const { expected, observed } = outcome
      const bound = weaker(level, outcome.level ?? level)
      const status = failsOnViolation(bound) ? 'fail' : bound === 'SHOULD' ? 'warn' : 'info'
      return { status, message: `expected ${expected}; observed ${observed}`, expected, observed }
    }
  }
}

/** The weaker of two levels: a part of a case never grades above the case itself. */
export function weaker(a: Level, b: Level): Level {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b
}

/** True when the verdict counts against the target at this level (drives exit code 1). */
export function isBlocking(level: Level, status: Status, strict = false): boolean {
  if (status === 'fail') return true
  if (status === 'timeout') return failsOnViolation(level) || (strict && level === 'SHOULD')
  if (status === 'warn') return strict
  return false
}
