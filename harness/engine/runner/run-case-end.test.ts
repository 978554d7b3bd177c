// endCase(outcome) from any depth of a case is graded exactly as if the case
// had returned the outcome; anything else thrown stays a harness `error`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inSuite, type CaseDefinition } from '../model/case.js'
import { endCase, EndedCase, isEndedCase, observed, violates } from '../model/outcome.js'
import { Scope } from '../../net/started.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { runCase } from './run-case.js'
import { startRunEnvironment } from '../environment/start-environment.js'

const scope = new Scope()
let env: RunEnvironment
// Never connected to: the cases below end before they would.
const target: TargetEndpoint = { label: 'none', role: 'forward', host: '127.0.0.1', port: 9 }

beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1 })
})
afterAll(() => scope.close())

const demo = (run: CaseDefinition['run']) =>
  inSuite('demo', {
    id: 'ends',
    title: 'ends',
    requirements: ['HOP-01'],
    spec: [{ rfc: 9110, section: '7.6.1' }],
    requirement: 'r',
    level: 'MUST',
    roles: ['forward'],
    run,
  })

/** A helper two calls deep that finds the verdict. */
const deep = async (): Promise<string> => {
  await Promise.resolve()
  return endCase(violates('X at the origin', 'no X'))
}

describe('endCase', () => {
  it('is graded as the outcome it carries, from any depth', async () => {
    const failed = await runCase(
      demo(async () => {
        await deep()
        throw new Error('not reached')
      }),
      target,
      env,
    )
    expect(failed.verdict).toMatchObject({ status: 'fail', expected: 'X at the origin' })
    const info = await runCase(
      demo(() => Promise.resolve(endCase(observed('nothing to grade')))),
      target,
      env,
    )
    expect(info.verdict.status).toBe('info')
  })

  it('is no Error, and a thrown Error stays a harness error', async () => {
    const ended = new EndedCase(observed('x'))
    expect(ended instanceof Error).toBe(false)
    expect(isEndedCase(ended)).toBe(true)
    expect(isEndedCase(new Error('x'))).toBe(false)
    const broken = await runCase(
      demo(() => Promise.reject(new Error('harness broke'))),
      target,
      env,
    )
    expect(broken.verdict).toMatchObject({ status: 'error', message: 'harness broke' })
  })
})
