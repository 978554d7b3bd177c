import type { Level } from './level.js'

/**
 * What a case observed about the TARGET. Cases return one of these and never
 * decide severity: grade() turns an Outcome and a Level into a Verdict.
 * Harness faults are not outcomes; they are thrown and become `error`.
 */
export type Outcome =
  | { readonly kind: 'conforms'; readonly note?: string }
  | {
      readonly kind: 'violates'
      readonly expected: string
      readonly observed: string
      /**
       * The level of the sentence this part of the case grades, when it is
       * weaker than the case's own (a MUST case whose only deviation is a
       * SHOULD-level status choice warns). Never raises the case's level.
       */
      readonly level?: Level
    }
  | { readonly kind: 'observed'; readonly observation: string }
  | { readonly kind: 'unsupported'; readonly reason: string }
  | { readonly kind: 'timeout'; readonly waitingFor: string; readonly afterMs: number }

export const conforms = (note?: string): Outcome =>
  note === undefined ? { kind: 'conforms' } : { kind: 'conforms', note }

export const violates = (expected: string, observed: string, level?: Level): Outcome =>
  level === undefined
    ? { kind: 'violates', expected, observed }
    : { kind: 'violates', expected, observed, level }

export const observed = (observation: string): Outcome => ({ kind: 'observed', observation })

export const unsupported = (reason: string): Outcome => ({ kind: 'unsupported', reason })

export const timedOut = (waitingFor: string, afterMs: number): Outcome => ({
  kind: 'timeout',
  waitingFor,
  afterMs,
})
