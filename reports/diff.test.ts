import { describe, expect, it } from 'vitest'
import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import type { Status } from '../harness/engine/model/verdict.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { diffRuns } from './diff.js'
import { mergeRepeats } from './repeat.js'
import { renderDiffMarkdown, renderDiffText } from './render-diff.js'

const keys = (changes: readonly { key: string }[]): string[] => changes.map((c) => c.key)

/** The base run with some results replaced, dropped or added. */
function edit(
  run: RunResult,
  statuses: Record<string, Status | null>,
  extra: CaseResult[] = [],
): RunResult {
  const results = run.results
    .filter((r) => statuses[`${r.id}@${r.role}`] !== null)
    .map((r) => {
      const status = statuses[`${r.id}@${r.role}`]
      return status === undefined || status === null
        ? r
        : { ...r, verdict: { status, message: `now ${status}` } }
    })
  return { ...run, results: [...results, ...extra] }
}

describe('diffRuns', () => {
  it('names exactly the cases that changed between the reference and the blind relay', () => {
    const diff = diffRuns(loadGoldenRun('regression/base'), loadGoldenRun('regression/head'))
    expect(keys(diff.newFailures)).toEqual([
      'hop-by-hop/drops-connection-listed-request-fields@forward',
      'hop-by-hop/drops-connection-listed-response-fields@forward',
      'hop-by-hop/parses-connection-as-a-list@forward',
      'hop-by-hop/appends-via-to-requests@forward',
      'hop-by-hop/appends-via-to-responses@forward',
      'keep-alive/no-dumb-proxy-keep-alive-hang@forward',
      'hop-by-hop/drops-connection-listed-request-fields@reverse',
      'hop-by-hop/drops-connection-listed-response-fields@reverse',
      'hop-by-hop/parses-connection-as-a-list@reverse',
      'hop-by-hop/appends-via-to-requests@reverse',
      'keep-alive/no-dumb-proxy-keep-alive-hang@reverse',
    ])
    expect(diff.newFailures.map((c) => `${c.from}→${c.to}`)).toEqual([
      ...Array<string>(5).fill('pass→fail'),
      'pass→timeout',
      ...Array<string>(4).fill('pass→fail'),
      'pass→timeout',
    ])
    expect(diff.changedVerdicts.map((c) => `${c.key} ${c.from}→${c.to}`)).toEqual([
      'connect/refuses-ports-outside-allow-list@forward pass→unsupported',
      'connect/propagates-close-and-half-close@forward pass→unsupported',
      'connect/2xx-has-no-framing-headers@forward pass→unsupported',
    ])
    expect([diff.fixes, diff.added, diff.removed]).toEqual([[], [], []])
    expect(diff.unchanged).toBe(22 - 11 - 3)
    expect(diff.hasNewMustFailure).toBe(true)
    expect(diff.base.label).toBe('builtin:reference')
    expect(diff.head.label).toBe('builtin:blind-relay')
  })

  it('reports nothing between a run and itself', () => {
    const run = loadGoldenRun('mixed-verdicts')
    const diff = diffRuns(run, run)
    expect([diff.newFailures, diff.fixes, diff.changedVerdicts, diff.added, diff.removed]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ])
    expect(diff.unchanged).toBe(run.results.length)
    expect(diff.hasNewMustFailure).toBe(false)
  })

  it('puts fixes, changes, additions and removals each in one list', () => {
    const base = loadGoldenRun('mixed-verdicts')
    const template = base.results.find(
      (r) => r.id === 'hop-by-hop/parses-connection-as-a-list' && r.role === 'forward',
    )!
    const newPass = { ...template, id: 'hop-by-hop/new-passing-case' }
    const newFail = {
      ...template,
      id: 'hop-by-hop/new-failing-case',
      verdict: { status: 'fail' as const, message: 'x' },
    }
    const head = edit(
      base,
      {
        'connect/2xx-has-no-framing-headers@forward': 'pass',
        'connect/propagates-close-and-half-close@forward': 'fail',
        'keep-alive/no-dumb-proxy-keep-alive-hang@reverse': 'not-applicable',
        'keep-alive/closes-after-connection-close@reverse': null,
      },
      [newPass, newFail],
    )
    const diff = diffRuns(base, head)
    expect(keys(diff.fixes)).toEqual(['connect/2xx-has-no-framing-headers@forward'])
    expect(diff.changedVerdicts.map((c) => `${c.key} ${c.from}→${c.to}`)).toEqual([
      'connect/propagates-close-and-half-close@forward timeout→fail',
      'keep-alive/no-dumb-proxy-keep-alive-hang@reverse unsupported→not-applicable',
    ])
    expect(keys(diff.added)).toEqual(['hop-by-hop/new-passing-case@forward'])
    expect(diff.newFailures.map((c) => `${c.key} ${c.from}→${c.to}`)).toEqual([
      'hop-by-hop/new-failing-case@forward absent→fail',
    ])
    expect(diff.removed.map((c) => `${c.key} ${c.from}→${c.to}`)).toEqual([
      'keep-alive/closes-after-connection-close@reverse pass→absent',
    ])
    expect(diff.hasNewMustFailure).toBe(true)
  })

  it('does not call a new SHOULD warning, a harness error or a declared deviation a new MUST failure', () => {
    const base = loadGoldenRun('all-pass')
    const warned = edit(base, { 'keep-alive/persists-http11-client-connections@forward': 'warn' })
    expect(diffRuns(base, warned).newFailures).toHaveLength(1)
    expect(diffRuns(base, warned).hasNewMustFailure).toBe(false)
    const broken = edit(base, { 'keep-alive/closes-after-connection-close@forward': 'error' })
    expect(diffRuns(base, broken).hasNewMustFailure).toBe(false)
    const failed = edit(base, { 'keep-alive/closes-after-connection-close@forward': 'fail' })
    expect(diffRuns(base, failed).hasNewMustFailure).toBe(true)
    const declared: RunResult = {
      ...failed,
      results: failed.results.map((r) =>
        r.verdict.status === 'fail'
          ? { ...r, declared: { reason: 'known', originalStatus: 'fail' as const } }
          : r,
      ),
    }
    const diff = diffRuns(base, declared)
    expect(diff.newFailures.map((c) => c.declared)).toEqual([true])
    expect(diff.hasNewMustFailure).toBe(false)
  })
})

describe('renderDiffText and renderDiffMarkdown', () => {
  const diff = diffRuns(loadGoldenRun('regression/base'), loadGoldenRun('regression/head'))

  it('lists every changed case once, new failures first, with the verdict move', () => {
    const text = renderDiffText(diff)
    expect(text.split('\n').slice(0, 3)).toEqual([
      'base: builtin:reference (run 0a0b0c, 2025-04-30T09:00:00.000Z)',
      'head: builtin:blind-relay (run 1d2e3f, 2025-05-02T09:00:00.000Z)',
      'NEW MUST FAILURE: 11 new failures, 0 fixed, 3 changed, 0 added, 0 removed, 8 unchanged',
    ])
    expect(text).toMatch(
      /New failures \(11\):\n {2}PASS +→ FAIL +MUST +hop-by-hop\/drops-connection-listed-request-fields@forward\n/,
    )
    expect(text).toContain(
      'PASS        → TIMEOUT     MUST   keep-alive/no-dumb-proxy-keep-alive-hang@reverse',
    )
    expect(text).toContain('Changed verdicts (3):')
    expect(text).not.toContain('Fixes')
    for (const c of [...diff.newFailures, ...diff.changedVerdicts])
      expect(text.split(c.key)).toHaveLength(2)
  })

  it('renders a Markdown table per kind of change', () => {
    const md = renderDiffMarkdown(diff, { headingLevel: 3 })
    expect(md.startsWith('### Regressions: ❌ new MUST failure\n')).toBe(true)
    expect(md).toContain('#### New failures (11)')
    expect(md).toContain(
      '| `hop-by-hop/appends-via-to-responses` | forward | MUST | PASS → FAIL | expected Via: 1.1 backend-x, 1.0 &lt;received-by&gt; at the client; observed Via: 1.1 backend-x (no member appended) |',
    )
    expect(md).toContain('#### Changed verdicts (3)')
    expect(md).not.toContain('#### Fixes')
  })

  it('lists the cases --repeat found flaky in the new run, in text and Markdown', () => {
    const base = loadGoldenRun('all-pass')
    const index = base.results.findIndex((r) => r.verdict.status === 'pass')
    const target = base.results[index]!
    const shaky: RunResult = {
      ...base,
      results: base.results.map((r, i) =>
        i === index ? { ...r, verdict: { status: 'fail', message: 'once' } } : r,
      ),
    }
    const head = mergeRepeats([base, shaky])
    const d = diffRuns(base, head)
    expect(keys(d.flaky)).toEqual([`${target.id}@${target.role}`])
    expect(keys(d.newFailures)).toEqual([`${target.id}@${target.role}`])
    expect(renderDiffText(d)).toContain('Flaky in the new run (1):')
    expect(renderDiffText(d)).toMatch(/, 1 flaky$/m)
    expect(renderDiffMarkdown(d)).toContain('### Flaky in the new run (1)')
    expect(diffRuns(base, base).flaky).toEqual([])
  })
})
