import { describe, expect, it } from 'vitest'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { diffRuns } from './diff.js'
import { exitCode } from './exit-code.js'

const withStatus = (run: RunResult, key: string, status: 'warn' | 'fail'): RunResult => ({
  ...run,
  results: run.results.map((r) =>
    `${r.id}@${r.role}` === key ? { ...r, verdict: { status, message: status } } : r,
  ),
})

describe('exitCode', () => {
  it('is 0 for a clean run, 1 for a MUST failure, 2 for a harness error', () => {
    expect(exitCode(loadGoldenRun('all-pass'))).toBe(0)
    expect(exitCode(loadGoldenRun('regression/head'))).toBe(1)
    expect(exitCode(loadGoldenRun('mixed-verdicts'))).toBe(2)
  })

  it('agrees with the summary the runner wrote', () => {
    for (const name of ['all-pass', 'mixed-verdicts', 'regression/head'] as const) {
      const run = loadGoldenRun(name)
      expect(exitCode(run)).toBe(run.summary.exitCode)
    }
  })

  it('against a baseline, fails only on new failures', () => {
    const base = loadGoldenRun('regression/base')
    const head = loadGoldenRun('regression/head')
    expect(exitCode(head, { diff: diffRuns(base, head) })).toBe(1)
    // The blind relay as its own baseline: its known failures are accepted.
    expect(exitCode(head, { diff: diffRuns(head, head) })).toBe(0)
    const warned = withStatus(head, 'keep-alive/persists-http11-client-connections@forward', 'warn')
    expect(exitCode(warned, { diff: diffRuns(head, warned) })).toBe(0)
    expect(exitCode(warned, { diff: diffRuns(head, warned), strict: true })).toBe(1)
  })
})
