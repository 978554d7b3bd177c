// The HTTP suites once more through a one-byte fragmenting relay (issue 3,
// item 5): every byte toward the target is its own write, so a target that
// assumes one read holds one message fails here. The relay is the target
// endpoint and forwards to the real one (harness/engine/target/fault-target.ts), so
// the cases run unchanged. The reference must pass there whatever passes
// direct; the seeded defect 'assumes-one-read-holds-one-message' must pass
// direct and fail through the relay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../harness/engine/model/roles.js'
import type { CaseResult } from '../../harness/engine/model/run-result.js'
import { Scope } from '../../harness/net/started.js'
import { ONE_BYTE_PLAN, throughFaultRelay } from '../../harness/engine/target/fault-target.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runSuites } from '../../harness/engine/runner/run-suites.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { startBuiltin } from '../../harness/engine/target/builtin.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'
import { allSuites } from '../../suites/index.js'
import { variantOf } from '../defects/index.js'
import { referenceWith } from '../defects/reference-with.js'

const SUITES = ['connect', 'hop-by-hop', 'keep-alive', 'framing']

/**
 * Cases whose meaning depends on the target's own address or on TCP
 * segmentation, which the relay changes; each with the reason.
 */
const EXCLUDED: Readonly<Record<string, string>> = {}

/**
 * Cases run one at a time after the others, each with the reason. Byte by
 * byte, the time between two pipelined requests grows from microseconds to
 * tens of milliseconds, and what other cases do meanwhile through the same
 * origin can come between.
 */
const SOLO: Readonly<Record<string, string>> = {
  'keep-alive/no-chunked-request-to-http10-upstream':
    "the reference remembers an upstream's version from its last response: another case's HTTP/1.1 answer between the two requests makes it forget the HTTP/1.0 one",
}

const cases = allSuites.filter((s) => SUITES.includes(s.id)).flatMap((s) => s.cases)

let scope: Scope
let env: RunEnvironment
beforeAll(async () => {
  scope = new Scope()
  // One byte per event-loop turn is slow by design: a kilobyte of a tunnel can take a second on
  // a busy machine, so deadlines (and the silence a case waits for) are longer than a plain run's.
  env = await startRunEnvironment(scope, { tcpPerKind: 4, timeoutMs: 10_000, quietMs: 1500 })
})
afterAll(async () => {
  await scope.close()
})

async function runOn(target: StartedTarget): Promise<Map<string, CaseResult>> {
  try {
    const together = cases.filter((c) => SOLO[c.id] === undefined)
    const alone = cases.filter((c) => SOLO[c.id] !== undefined)
    const results = [
      ...(await runSuites(together, [target.endpoint], env, { concurrency: 4 })),
      ...(await runSuites(alone, [target.endpoint], env, { concurrency: 1 })),
    ]
    return new Map(results.map((r) => [r.id, r]))
  } finally {
    await target.close()
  }
}

const line = (r: CaseResult): string => `${r.id}: ${r.verdict.status} (${r.verdict.message})`

describe('the HTTP suites through a one-byte fragmenting relay', () => {
  for (const role of ['forward', 'reverse'] as const satisfies readonly Role[]) {
    it(`the reference (${role}) passes through the relay whatever it passes direct`, async () => {
      const direct = await runOn(await startBuiltin('reference', role, env))
      const relayed = await runOn(
        await throughFaultRelay(await startBuiltin('reference', role, env), ONE_BYTE_PLAN),
      )
      const passedDirect = [...direct.values()].filter((r) => r.verdict.status === 'pass')
      expect(passedDirect.length).toBeGreaterThan(20)
      const lost = passedDirect
        .filter((r) => EXCLUDED[r.id] === undefined)
        .map((r) => relayed.get(r.id))
        .filter((r): r is CaseResult => r !== undefined && r.verdict.status !== 'pass')
        .map(line)
      expect(lost).toEqual([])
    }, 120_000)
  }

  it('a target that takes its first read for the whole head passes direct and fails through the relay', async () => {
    const probe = cases.filter((c) =>
      [
        'keep-alive/persists-http11-client-connections',
        // Both fail fast against it (a 400 comes back at once): no case waits for its deadline.
        'keep-alive/pipelined-responses-in-order',
      ].includes(c.id),
    )
    const start = (): Promise<StartedTarget> =>
      referenceWith('assumes-one-read-holds-one-message', 'forward', env, {
        steps: variantOf('assumes-one-read-holds-one-message'),
      })
    const direct = await runSuites(probe, [(await scoped(start)).endpoint], env)
    const relayed = await runSuites(
      probe,
      [(await scoped(async () => throughFaultRelay(await start(), ONE_BYTE_PLAN))).endpoint],
      env,
    )
    expect(direct.map(line).filter((l) => !l.includes(': pass'))).toEqual([])
    expect(relayed.filter((r) => r.verdict.status === 'pass').map(line)).toEqual([])
  }, 60_000)
})

async function scoped(start: () => Promise<StartedTarget>): Promise<StartedTarget> {
  return scope.use(await start())
}
