// The verdicts the supervisor (supervise.ts) gives the cases a crash touched.
import type { CaseResult } from '../model/run-result.js'
import { stderrTail } from './liveness.js'

export function withNote(result: CaseResult, note: string): CaseResult {
  return { ...result, evidence: { ...result.evidence, notes: [...result.evidence.notes, note] } }
}

/** The verdict of a case that took the target down on its own. */
export function crashedOn(result: CaseResult, how: string, stderr: string): CaseResult {
  const last = stderrTail(stderr, 1)
  const observed = `the target ${how} on this request${last === '' ? '' : ` ("${last}")`}`
  return withNote(
    {
      ...result,
      verdict: {
        status: 'fail',
        message: `the target crashed on this request: it ${how} when this case ran alone on a fresh start`,
        expected: 'the target answers or refuses the request and keeps serving',
        observed,
      },
    },
    'the target went down while this case ran with others, and again when it ran alone after a restart',
  )
}
