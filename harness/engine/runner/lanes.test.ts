// Cases that start their own target instance (load balancing) run in a lane
// of their own beside the shared-target workers: they neither hold the shared
// slots nor wait behind them. Here the shared cases block until the balancing
// case has started; with one lane for all (two workers, three shared cases
// first in catalog order) it would never start and they would all time out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inSuite, type CaseDefinition } from '../model/case.js'
import { conforms, timedOut } from '../model/outcome.js'
import { Scope } from '../../net/started.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { startRunEnvironment } from '../environment/start-environment.js'
import { referencePerCase } from '../target/balancer-target.js'
import { runSuites } from './run-suites.js'

const scope = new Scope()
let env: RunEnvironment
beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1, timeoutMs: 1500 })
})
afterAll(() => scope.close())

const base = {
  title: 't',
  requirements: ['LB-01'],
  spec: [{ rfc: 9112, section: '9.3.1' }],
  requirement: 'r',
  level: 'MUST',
  roles: ['balancer'],
} satisfies Omit<CaseDefinition, 'id' | 'run'>

describe('the own-instance lane', () => {
  it('starts a balancing case while every shared slot is busy', async () => {
    let balancingStarted!: () => void
    const started = new Promise<'started'>(
      (resolve) => (balancingStarted = () => resolve('started')),
    )
    const shared = ['a', 'b', 'c'].map((id) =>
      inSuite('demo', {
        ...base,
        id,
        run: async (ctx) => {
          // The wait's deadline is the case's own.
          let timer: NodeJS.Timeout | undefined
          const late = new Promise<'late'>((resolve) => {
            timer = setTimeout(() => resolve('late'), ctx.remainingMs() - 100)
          })
          const first = await Promise.race([started, late])
          clearTimeout(timer)
          return first === 'started' ? conforms() : timedOut('the balancing case to start', 0)
        },
      }),
    )
    const balancing = inSuite('demo', {
      ...base,
      id: 'own',
      balancer: { primaries: 1, profile: { policy: 'round-robin' } },
      run: () => {
        balancingStarted()
        return Promise.resolve(conforms())
      },
    })
    const target: TargetEndpoint = {
      label: 'demo',
      role: 'balancer',
      host: '127.0.0.1',
      port: 9,
      perCase: referencePerCase(),
    }
    const results = await runSuites([...shared, balancing], [target], env, { concurrency: 2 })
    expect(results.map((r) => [r.id, r.verdict.status])).toEqual([
      ['demo/a', 'pass'],
      ['demo/b', 'pass'],
      ['demo/c', 'pass'],
      ['demo/own', 'pass'],
    ])
  }, 20_000)
})

describe('a case that must be alone (ConformanceCase.alone)', () => {
  it('runs with no other shared-target case beside it, and the others still run side by side', async () => {
    let running = 0
    let most = 0
    const seenByAlone: number[] = []
    // Each shared case holds its slot until two are running at once (proof they overlap),
    // or its own deadline passes: a barrier, not a pause.
    let bothRunning!: () => void
    const overlapped = new Promise<void>((resolve) => (bothRunning = resolve))
    const shared = ['a', 'b', 'c'].map((id) =>
      inSuite('demo', {
        ...base,
        id,
        run: async (ctx) => {
          running += 1
          most = Math.max(most, running)
          if (running >= 2) bothRunning()
          let timer: NodeJS.Timeout | undefined
          await Promise.race([
            overlapped,
            new Promise((resolve) => (timer = setTimeout(resolve, ctx.remainingMs() - 100))),
          ])
          clearTimeout(timer)
          running -= 1
          return conforms()
        },
      }),
    )
    const alone = inSuite('demo', {
      ...base,
      id: 'alone',
      alone: 'measures the target',
      run: () => {
        seenByAlone.push(running)
        return Promise.resolve(conforms())
      },
    })
    const target: TargetEndpoint = { label: 'demo', role: 'balancer', host: '127.0.0.1', port: 9 }
    const results = await runSuites([shared[0]!, alone, ...shared.slice(1)], [target], env, {
      concurrency: 2,
    })
    expect(results.map((r) => r.verdict.status)).toEqual(['pass', 'pass', 'pass', 'pass'])
    expect(seenByAlone).toEqual([0])
    expect(most).toBe(2)
  }, 20_000)
})
