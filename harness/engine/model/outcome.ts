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

const ENDED = Symbol.for('proxyspec.ended-case')

/**
 * A case ended early with `outcome` (endCase). Thrown, but not an Error: a
 * harness fault (HarnessError, a TypeError…) can never be mistaken for one,
 * and runCase grades this outcome exactly as if the case had returned it.
 */
export class EndedCase {
  readonly [ENDED] = true
  readonly outcome: Outcome
  constructor(outcome: Outcome) {
    this.outcome = outcome
  }
}

/** Whether `thrown` is an EndedCase (by brand, so it holds across module copies). */
export function isEndedCase(thrown: unknown): thrown is EndedCase {
  return typeof thrown === 'object' && thrown !== null && ENDED in thrown
}

/**
 * Ends the case with `outcome`, from any depth: a helper that finds the
 * verdict (no answer, a malformed one, nothing forwarded) ends the case
 * instead of returning a union its caller must unpack. The one convention for
 * a step that can end a case.
 */
export function endCase(outcome: Outcome): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- deliberately not an Error (see EndedCase)
  throw new EndedCase(outcome)
}

/**
 * The Outcome `work` ended with, returned or ended early (endCase): for a case
 * that collects several outcomes (variants) or reshapes one (a level by role)
 * instead of ending with the first. Anything else thrown stays thrown.
 */
export async function outcomeOf(work: Promise<Outcome>): Promise<Outcome> {
  try {
    return await work
  } catch (thrown) {
    if (isEndedCase(thrown)) return thrown.outcome
    throw thrown
  }
}
