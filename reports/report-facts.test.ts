import { describe, expect, it } from 'vitest'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { summaryUnder } from './report-facts.js'
import { summarize } from '../harness/engine/model/summary.js'

describe('summaryUnder', () => {
  it("is the run's own summary under the run's strictness (computed once, not again)", () => {
    const run = loadGoldenRun('mixed-verdicts')
    expect(summaryUnder(run, run.run.options.strict)).toBe(run.summary)
  })

  it('is computed from the results only for the other strictness', () => {
    const run = loadGoldenRun('mixed-verdicts')
    const other = !run.run.options.strict
    expect(summaryUnder(run, other)).toEqual(summarize(run.results, other))
  })
})
