// A TLS terminator is a gateway (RFC 9110 §3.7): a sentence that binds "a
// proxy" does not bind it, so behind TLS as in the reverse role a violation of
// one is INFO (proxySentence), while the forward proxy fails it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Scope } from '../../harness/net/started.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { startDefect } from '../../test-fixtures/defects/index.js'
import { hopByHopSuite } from './suite.js'

const scope = new Scope()
let env: RunEnvironment

beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1, timeoutMs: 3000, quietMs: 300 })
})
afterAll(() => scope.close())

describe('a proxy-only sentence behind TLS', () => {
  for (const [role, status] of [
    ['forward', 'fail'],
    ['reverse', 'info'],
    ['tls-terminator', 'info'],
  ] as const) {
    it(`forwards-authorization-unchanged [${role}]: dropping Authorization is ${status}`, async () => {
      const c = hopByHopSuite.cases.find(
        (x) => x.id === 'hop-by-hop/forwards-authorization-unchanged',
      )
      if (c === undefined) throw new Error('no case forwards-authorization-unchanged')
      const target = scope.use(await startDefect('drops-authorization', role, env))
      const result = await runCase(c, target.endpoint, env)
      expect(result.role).toBe(role)
      expect(result.verdict.status, result.verdict.message).toBe(status)
    })
  }
})
