import type { BalanceEvidence } from '../../harness/engine/model/balance.js'
import type { CaseResult, RunResult } from '../../harness/engine/model/run-result.js'
import { loadGoldenRun } from './load.js'

/** Three backends, 500 requests, a fair round-robin judged by χ²; and a failover around a fault. */
export const BALANCE_EVIDENCE: BalanceEvidence = {
  distributions: [
    {
      title: 'Equal weights, 500 requests',
      backends: [
        { name: 'O1', observed: 168, expected: 500 / 3 },
        { name: 'O2', observed: 170, expected: 500 / 3 },
        { name: 'O3', observed: 162, expected: 500 / 3 },
      ],
      test: { name: 'chi-square', statistic: 0.304, df: 2, pValue: 0.859 },
    },
  ],
  timelines: [
    {
      title: 'O1 refuses connections',
      backends: ['O1', 'O2', 'O3'],
      faults: [{ at: 120, backend: 'O1', what: 'refuses connections' }],
      requests: [
        { at: 10, id: 'r1', backend: 'O1', status: 200, outcome: 'ok' },
        { at: 40, id: 'r2', backend: 'O2', status: 200, outcome: 'ok' },
        { at: 70, id: 'r3', backend: 'O3', status: 200, outcome: 'ok' },
        { at: 100, id: 'r4', backend: 'O1', status: 200, outcome: 'ok' },
        { at: 130, id: 'r5', status: 502, outcome: 'error' },
        { at: 160, id: 'r6', backend: 'O2', status: 200, outcome: 'ok' },
        { at: 190, id: 'r7', backend: 'O3', status: 200, outcome: 'duplicate' },
        { at: 220, id: 'r8', backend: 'O2', status: 200, outcome: 'mixed-up' },
        { at: 250, id: 'r9', backend: 'O3', status: 200, outcome: 'cut' },
      ],
    },
  ],
}

/** A load-balancing case result carrying both kinds of balance evidence. */
export function balanceCase(): CaseResult {
  const base = loadGoldenRun('mixed-verdicts').results[3]!
  return {
    ...base,
    id: 'balancing/failover-on-refusal',
    suite: 'balancing',
    title: 'Fails over when a backend refuses connections',
    role: 'reverse',
    level: 'MUST',
    requirements: ['LB-07'],
    verdict: { status: 'fail', message: 'r5 answered 502 while O2 and O3 were up' },
    balance: BALANCE_EVIDENCE,
  }
}

/** The mixed-verdicts golden run with the balance case added (a fail, so every renderer details it). */
export function runWithBalance(): RunResult {
  const run = loadGoldenRun('mixed-verdicts')
  return { ...run, results: [...run.results, balanceCase()] }
}
