// The tls suite against the built-in reference gateways: every case passes,
// run concurrently as `proxyspec run` does (the TLS origin lease must hold up).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appliesTo } from '../../harness/engine/model/case.js'
import type { Role } from '../../harness/engine/model/roles.js'
import { Scope } from '../../harness/net/started.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { startBuiltin } from '../../harness/engine/target/builtin.js'
import { tlsSuite } from './suite.js'

describe('the tls suite against builtin:reference', () => {
  const scope = new Scope()
  let env: RunEnvironment
  beforeAll(async () => {
    env = await startRunEnvironment(scope, { tcpPerKind: 1 })
  })
  afterAll(() => scope.close())

  it.each(['tls-originator', 'tls-terminator', 'forward'] as const)(
    'passes every %s case, four at a time',
    async (role: Role) => {
      const target = scope.use(await startBuiltin('reference', role, env))
      const cases = tlsSuite.cases.filter((c) => appliesTo(c, role))
      expect(cases.length).toBeGreaterThan(0)
      const started = performance.now()
      const results = []
      for (let i = 0; i < cases.length; i += 4) {
        const batch = cases.slice(i, i + 4)
        results.push(...(await Promise.all(batch.map((c) => runCase(c, target.endpoint, env)))))
      }
      console.log(
        `${role}: ${cases.length} cases in ${(performance.now() - started).toFixed(0)} ms`,
      )
      const failed = results.filter((r) => r.verdict.status !== 'pass')
      expect(
        failed.map(
          (r) =>
            `${r.id}: ${r.verdict.status} ${r.verdict.message} ${r.evidence.notes.join(' | ')}`,
        ),
      ).toEqual([])
    },
    30_000,
  )
})
