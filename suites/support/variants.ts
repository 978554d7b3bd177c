// Running a case's variants: every one runs and is noted, whatever the ones
// before found (issue 10), and one Outcome says what all of them found.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { LEVELS } from '../../harness/engine/model/level.js'
import {
  conforms,
  observed,
  outcomeOf,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'

/** What one variant of a multi-variant case found (graded together by runVariants). */
export type VariantResult = Outcome

/**
 * Runs every variant, in order, whatever the ones before found, and notes each
 * in the evidence. Any violation makes the case's outcome (all violations,
 * each named); variants that could judge nothing are informational; else it
 * conforms, with every variant's note.
 */
export async function runVariants(
  ctx: CaseContext,
  variants: readonly (readonly [string, () => Promise<VariantResult>])[],
): Promise<Outcome> {
  const results: (readonly [string, VariantResult])[] = []
  for (const [name, run] of variants) {
    // A variant that ends early (endCase) ends itself, not the case.
    const result = await outcomeOf(run())
    ctx.note(`${name}: ${describe(result)}`)
    results.push([name, result])
  }
  const failed = results.filter(([, r]) => r.kind === 'violates')
  if (failed.length > 0) {
    const expected = failed.map(([, r]) => (r.kind === 'violates' ? r.expected : ''))
    // The strongest level any violation carries (one with none is the case's own).
    const levels = failed.map(([, r]) => (r.kind === 'violates' ? r.level : undefined))
    const level = levels.includes(undefined) ? undefined : LEVELS.find((l) => levels.includes(l))
    return violates(
      [...new Set(expected)].join('; '),
      failed.map(([name, r]) => `${name}: ${r.kind === 'violates' ? r.observed : ''}`).join('; '),
      level,
    )
  }
  const timeout = results.find(([, r]) => r.kind === 'timeout')
  if (timeout !== undefined) return timeout[1]
  const summary = results.map(([name, r]) => `${name}: ${describe(r)}`).join('; ')
  if (results.every(([, r]) => r.kind === 'observed' || r.kind === 'unsupported'))
    return observed(summary)
  return conforms(summary)
}

function describe(result: VariantResult): string {
  switch (result.kind) {
    case 'conforms':
      return result.note ?? 'conforms'
    case 'violates':
      return `expected ${result.expected}; observed ${result.observed}`
    case 'observed':
      return result.observation
    case 'unsupported':
      return result.reason
    case 'timeout':
      return `no answer within ${Math.round(result.afterMs)} ms while waiting for ${result.waitingFor}`
  }
}
