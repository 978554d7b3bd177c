// Cases with upstream 'h2': the run's raw h2 origin, the target's h2-upstream
// twin, and the not-applicable verdict of a target without one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Scope } from '../../net/started.js'
import { defineCase } from '../model/case.js'
import { conforms, violates } from '../model/outcome.js'
import { startRunEnvironment } from '../environment/start-environment.js'
import { startBuiltin } from '../target/builtin.js'
import { runCase } from './run-case.js'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

const relayed = {
  ...defineCase({
    id: 'relayed-through-h2-upstream',
    title: 'a GET reaches the h2 origin',
    requirements: ['H2-12'],
    spec: [{ rfc: 9113, section: '8.1' }],
    requirement: 'test',
    level: 'MUST',
    roles: ['reverse'],
    front: 'h2',
    upstream: 'h2',
    async run(ctx) {
      ctx.h2Origin?.behave(() => ({ body: 'from-h2' }))
      const client = await ctx.h2()
      const id = await client.request({ ...ctx.h2Target(ctx.path('x')) })
      const result = await client.waitForStreamEnd(id)
      const seen = ctx.h2Origin?.requests() ?? []
      return 'data' in result && result.data.toString() === 'from-h2' && seen.length === 1
        ? conforms()
        : violates('the h2 origin answer', JSON.stringify(result))
    },
  }),
  suite: 'test',
}

describe('upstream h2 cases', () => {
  it('run against the h2-upstream twin of builtin:reference, the h2 origin as witness', async () => {
    const env = await startRunEnvironment(scope, { tcpPerKind: 1, h2Origin: true })
    const target = scope.use(await startBuiltin('reference', 'reverse', env))
    expect(target.endpoint.h2Upstream).toBeDefined()
    const result = await runCase(relayed, target.endpoint, env)
    expect(result.verdict.status, result.verdict.message).toBe('pass')
    expect(result.evidence.notes.some((n) => n.startsWith('h2 origin o'))).toBe(true)
  })

  it('are not applicable, with the reason, where the target has no h2 upstream', async () => {
    const env = await startRunEnvironment(scope, { tcpPerKind: 1 })
    const target = scope.use(await startBuiltin('reference', 'reverse', env))
    expect(target.endpoint.h2Upstream).toBeUndefined()
    const result = await runCase(relayed, target.endpoint, env)
    expect(result.verdict.status).toBe('not-applicable')
    expect(result.verdict.message).toMatch(/^no h2 upstream configured: builtin:reference/)
  })
})
