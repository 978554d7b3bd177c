// The report names the balancer profile the contract rows were judged
// against: a run with --lb-profile records it under target.balancerProfile;
// the reference declares none (each of its cases runs under its own).
import { describe, expect, it } from 'vitest'
import type { BalancerProfile } from '../model/balancer-profile.js'
import { allCases } from '../../../suites/index.js'
import { parseTarget } from '../target/target-spec.js'
import { executeRun } from './run.js'

const CASE = 'balancing/health-check-carries-host'

async function run(balancerProfile?: BalancerProfile) {
  return executeRun(
    {
      target: parseTarget('builtin:reference'),
      roles: ['balancer'],
      selection: { suites: [], cases: [CASE] },
      ...(balancerProfile === undefined ? {} : { balancerProfile }),
    },
    allCases(),
  )
}

describe('target.balancerProfile in the report', () => {
  it('is the declared profile, and absent when none is declared', async () => {
    const declared: BalancerProfile = {
      policy: 'round-robin',
      active: { path: '/healthz', interval_ms: 200, timeout_ms: 150, fall: 2, rise: 1 },
    }
    const withProfile = await run(declared)
    expect(withProfile.results.map((r) => r.verdict.status)).toEqual(['pass'])
    expect(withProfile.target.balancerProfile).toEqual(declared)
    const without = await run()
    expect(without.target.balancerProfile).toBeUndefined()
  }, 20_000)
})
