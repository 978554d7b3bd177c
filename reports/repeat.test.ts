import { describe, expect, it } from 'vitest'
import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import type { Status } from '../harness/engine/model/verdict.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { parse } from 'junit2json'
import { renderHtml } from './render-html.js'
import { renderJunit } from './render-junit.js'
import { renderMarkdown } from './render-markdown.js'
import { flakyResults, mergeRepeats } from './repeat.js'
import { validateRunResult } from './validate.js'

const base = loadGoldenRun('all-pass')

/** The same run with one result's status replaced, as a second attempt might end. */
function withStatus(run: RunResult, index: number, status: Status, message: string): RunResult {
  const results = run.results.map((r, i): CaseResult =>
    i === index ? { ...r, verdict: { status, message, expected: 'x', observed: 'y' } } : r,
  )
  return { ...run, results }
}

describe('mergeRepeats', () => {
  it('returns a single run unchanged', () => {
    expect(mergeRepeats([base])).toBe(base)
  })

  it('marks a case whose verdict varies as flaky, shows its failing attempt, and counts it', () => {
    const index = base.results.findIndex((r) => r.level === 'MUST' && r.verdict.status === 'pass')
    expect(index).toBeGreaterThanOrEqual(0)
    const second = withStatus(base, index, 'fail', 'expected x; observed y')
    const merged = mergeRepeats([base, second, base])
    const flaky = flakyResults(merged)
    expect(flaky.map((r) => r.id)).toEqual([base.results[index]?.id])
    expect(flaky[0]?.flaky?.statuses).toEqual(['pass', 'fail', 'pass'])
    expect(flaky[0]?.verdict.status).toBe('fail')
    expect(merged.results).toHaveLength(base.results.length)
    expect(merged.summary.blocking).toBe(1)
    expect(merged.summary.exitCode).toBe(1)
    expect(merged.run.options.repeat).toBe(3)
    expect(merged.run.durationMs).toBe(3 * base.run.durationMs)
    expect(validateRunResult(merged)).toEqual({ valid: true, errors: [] })
  })

  it('does not mark a case that fails the same way every time', () => {
    const index = base.results.findIndex((r) => r.verdict.status === 'pass')
    const failing = withStatus(base, index, 'fail', 'always')
    const merged = mergeRepeats([failing, failing])
    expect(flakyResults(merged)).toEqual([])
    expect(merged.summary.byStatus.fail).toBe(1)
  })

  it('shows a flaky case in every format', async () => {
    const index = base.results.findIndex((r) => r.verdict.status === 'pass')
    const merged = mergeRepeats([base, withStatus(base, index, 'timeout', 'no answer')])
    const id = base.results[index]?.id ?? ''
    expect(renderMarkdown(merged)).toMatch(/### Flaky \(1\)/)
    expect(renderMarkdown(merged)).toContain(id)
    expect(renderHtml(merged)).toContain('<span class="tag flaky" title="attempts: PASS, TIMEOUT">')
    const doc = await parse(renderJunit(merged))
    expect(JSON.stringify(doc)).toContain('"name":"flaky","value":"pass,timeout"')
  })
})
