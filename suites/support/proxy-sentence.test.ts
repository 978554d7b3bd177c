// A sentence that binds "a proxy" only does not bind a gateway (RFC 9110
// §3.7): run against a seeded defect, the forward proxy fails such a case while
// the reverse proxy and the TLS terminator (a gateway behind TLS) report INFO,
// still with what was expected (so the kill matrix counts the defect caught).
// The retry MUST binds a proxy; a gateway, as the client of its origin, is
// bound by RFC 9110 §9.2.2's client SHOULD NOT: it warns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Scope } from '../../harness/net/started.js'
import type { ProxyDefect } from '../../harness/reference/proxy/defects.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { allDefects } from '../../test-fixtures/defects/index.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { Role } from '../../harness/engine/model/roles.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'
import { grade } from '../../harness/engine/model/verdict.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { allCases } from '../index.js'
import { gatewayAsClient, proxySentence } from './proxy-sentence.js'

const scope = new Scope()
let env: RunEnvironment

beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1, timeoutMs: 3000, quietMs: 300 })
})
afterAll(() => scope.close())

/** The seeded defect `name` in `role`, started as the kill matrix starts it (with its steps). */
function startDefect(name: ProxyDefect, role: Role): Promise<StartedTarget> {
  const entry = allDefects().find((d) => d.name === name)
  if (entry === undefined) throw new Error(`no seeded defect ${name}`)
  return entry.start(role, env)
}

const ROWS: readonly (readonly [string, ProxyDefect, string, string, string])[] = [
  // case, defect, forward, reverse, tls-terminator
  [
    'framing/response-whitespace-before-colon-removed',
    'tolerates-whitespace-before-colon',
    'fail',
    'info',
    'info',
  ],
  [
    'keep-alive/no-retry-of-post-with-body',
    'retries-non-idempotent-requests',
    'fail',
    'warn',
    'warn',
  ],
  // Sentences that bind the gateway keep their level in every role.
  [
    'framing/whitespace-before-colon-rejected',
    'tolerates-whitespace-before-colon',
    'fail',
    'fail',
    'fail',
  ],
  [
    'framing/no-response-after-the-response',
    'reuses-upstream-with-unread-bytes',
    'fail',
    'fail',
    'fail',
  ],
]

describe('who a sentence binds decides the level in each role', () => {
  for (const [id, defect, ...statuses] of ROWS) {
    const roles = ['forward', 'reverse', 'tls-terminator'] as const
    roles.forEach((role, i) => {
      it(`${id} [${role}] with ${defect} is ${statuses[i]}`, async () => {
        const c = allCases().find((x) => x.id === id)
        if (c === undefined) throw new Error(`no case ${id}`)
        const target = scope.use(await startDefect(defect, role))
        const result = await runCase(c, target.endpoint, env)
        expect(result.role).toBe(role)
        expect(result.verdict.status, result.verdict.message).toBe(statuses[i])
        if (statuses[i] === 'info') {
          expect(result.verdict.expected).toBeDefined()
          expect(result.verdict.message).toMatch(/a gateway is not one/)
        }
        if (role !== 'forward' && statuses[i] === 'warn' && statuses[0] === 'fail') {
          expect(result.verdict.message).toMatch(/A client SHOULD NOT automatically retry/)
        }
      })
    })
  }
})

describe('a row with no BCP 14 sentence behind it', () => {
  // SMUG-12's "drop that upstream connection" has none (RFC 9112 §6.3: a user
  // agent MAY discard the extra data): INFO in every role, whatever happened.
  for (const role of ['forward', 'reverse', 'tls-terminator'] as const) {
    it(`framing/drops-upstream-after-extra-bytes [${role}] is INFO against a reusing defect`, async () => {
      const c = allCases().find((x) => x.id === 'framing/drops-upstream-after-extra-bytes')
      if (c === undefined) throw new Error('no case')
      const target = scope.use(await startDefect('reuses-upstream-with-unread-bytes', role))
      const result = await runCase(c, target.endpoint, env)
      expect(result.verdict.status, result.verdict.message).toBe('info')
    })
  }
})

describe('the helpers', () => {
  const ctx = (role: Role): CaseContext => ({ role }) as unknown as CaseContext
  const broken = violates('the connection dropped', 'it was reused')
  for (const [role, proxy, client] of [
    ['forward', 'fail', 'fail'],
    ['reverse', 'info', 'warn'],
    ['tls-terminator', 'info', 'warn'],
  ] as const) {
    it(`[${role}] a proxy-only MUST is ${proxy}; a client SHOULD for the gateway is ${client}`, () => {
      const p = grade('MUST', proxySentence(ctx(role), broken, 'X'))
      expect(p.status).toBe(proxy)
      expect(p.expected).toBe('the connection dropped')
      expect(grade('MUST', gatewayAsClient(ctx(role), broken, 'SHOULD', 'Y')).status).toBe(client)
      expect(grade('MUST', proxySentence(ctx(role), conforms(), 'X')).status).toBe('pass')
      // An outcome already INFO (which 5xx a refusal used) is left as it is.
      const which5xx = violates('502', 'the target answered 500 itself', 'INFO')
      expect(proxySentence(ctx(role), which5xx, 'X')).toEqual(which5xx)
    })
  }
})
