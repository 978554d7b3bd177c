// ctx.report: what a case charts lands in CaseResult.balance, however the case
// ends (returned, ended early, thrown), and a case that charts nothing has no field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BalanceDistribution, BalanceTimeline } from '../model/balance.js'
import { inSuite, type CaseDefinition } from '../model/case.js'
import { conforms, endCase, violates } from '../model/outcome.js'
import { Scope } from '../../net/started.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { caseReportRecorder } from './case-report.js'
import { runCase } from './run-case.js'
import { startRunEnvironment } from '../environment/start-environment.js'

const scope = new Scope()
let env: RunEnvironment
// Never connected to: the cases below only chart.
const target: TargetEndpoint = { label: 'none', role: 'reverse', host: '127.0.0.1', port: 9 }

beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1 })
})
afterAll(() => scope.close())

const demo = (run: CaseDefinition['run']) =>
  inSuite('demo', {
    id: 'charts',
    title: 'charts',
    requirements: ['LB-01'],
    spec: [{ rfc: 9110, section: '7.6.1' }],
    requirement: 'r',
    level: 'MUST',
    roles: ['reverse'],
    run,
  })

const spread: BalanceDistribution = {
  title: 'spread',
  backends: [
    { name: 'O1', observed: 3, expected: 2 },
    { name: 'O2', observed: 1, expected: 2 },
  ],
  test: { name: 'exact-multinomial', pValue: 0.62 },
}

const failover: BalanceTimeline = {
  title: 'failover',
  backends: ['O1', 'O2'],
  faults: [{ at: 5.04, backend: 'O1', what: 'killed' }],
  requests: [{ at: 7.06, id: 'r1', backend: 'O2', status: 200, outcome: 'ok' }],
}

describe('ctx.report', () => {
  it('keeps what the case charted in CaseResult.balance, whether it passed, ended early or threw', async () => {
    const ok = await runCase(
      demo((ctx) => {
        ctx.report.distribution(spread)
        ctx.report.timeline(failover)
        return Promise.resolve(conforms('spread as declared'))
      }),
      target,
      env,
    )
    expect(ok.verdict.status).toBe('pass')
    expect(ok.balance).toEqual({
      distributions: [spread],
      timelines: [
        {
          ...failover,
          faults: [{ ...failover.faults[0]!, at: 5 }],
          requests: [{ ...failover.requests[0]!, at: 7.1 }],
        },
      ],
    })

    const ended = await runCase(
      demo(async (ctx) => {
        ctx.report.timeline(failover)
        await Promise.resolve()
        return endCase(violates('r1 answered by O2', 'r1 lost'))
      }),
      target,
      env,
    )
    expect(ended.verdict.status).toBe('fail')
    expect(ended.balance?.timelines).toHaveLength(1)
    expect(ended.balance?.distributions).toBeUndefined()

    const thrown = await runCase(
      demo((ctx) => {
        ctx.report.distribution(spread)
        return Promise.reject(new Error('harness broke'))
      }),
      target,
      env,
    )
    expect(thrown.verdict.status).toBe('error')
    expect(thrown.balance?.distributions).toEqual([spread])

    const none = await runCase(
      demo(() => Promise.resolve(conforms('nothing charted'))),
      target,
      env,
    )
    expect('balance' in none).toBe(false)
  })

  it('copies what it is given, refuses numbers JSON cannot carry, and times from the case start', () => {
    const charts = caseReportRecorder(1000)
    const backends = [{ name: 'O1', observed: 1, expected: 1 }]
    charts.report.distribution({ title: 't', backends })
    backends[0]!.observed = 99
    expect(charts.evidence()?.distributions?.[0]?.backends[0]?.observed).toBe(1)
    expect(() =>
      charts.report.distribution({
        title: 't',
        backends: [{ name: 'O1', observed: NaN, expected: 1 }],
      }),
    ).toThrow(/ctx\.report: t: O1 observed is NaN/)
    expect(() =>
      charts.report.timeline({ ...failover, requests: [{ at: Infinity, id: 'r', outcome: 'ok' }] }),
    ).toThrow(/request r time is Infinity/)
    expect(charts.report.at(1234.56)).toBe(234.6)
    expect(caseReportRecorder(0).evidence()).toBeUndefined()
  })
})
