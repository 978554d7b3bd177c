import { describe, expect, it } from 'vitest'
import { checkBalancerProfile } from './balancer-profile-check.js'

describe('checkBalancerProfile', () => {
  it('takes the catalog JSON as it stands ($schema dropped)', () => {
    const profile = {
      $schema: 'x',
      policy: 'weighted',
      weights: [3, 1, 0],
      retries: { idempotent: 1, redispatch: true },
      passive: { max_fails: 3, fail_timeout_s: 10, window: 'quiet-period' },
      active: { path: '/healthz', interval_ms: 500, timeout_ms: 400, fall: 3, rise: 2 },
      backup: { origins: 1, mode: 'first' },
    }
    const rest: Record<string, unknown> = { ...profile }
    delete rest.$schema
    expect(checkBalancerProfile(profile, 'lb.json')).toEqual(rest)
  })

  it('refuses with one line naming the file and the field', () => {
    const bad = (value: unknown): string => {
      try {
        checkBalancerProfile(value, 'lb.json')
      } catch (error) {
        return (error as Error).message.replace(/^\[proxyspec\] /, '')
      }
      return 'accepted'
    }
    expect(bad([])).toBe('balancer profile lb.json: it must be an object')
    expect(bad({})).toBe('balancer profile lb.json: policy is required')
    expect(bad({ policy: 'fastest' })).toMatch(
      /^balancer profile lb.json: policy must be one of round-robin, /,
    )
    expect(bad({ policy: 'round-robin', wieghts: [1] })).toMatch(/unknown key "wieghts" \(known: /)
    expect(
      bad({
        policy: 'round-robin',
        active: { path: '/h', interval_ms: 500, timeout_ms: 400, fall: 0, rise: 2 },
      }),
    ).toBe('balancer profile lb.json: active.fall must be an integer ≥ 1')
    expect(
      bad({
        policy: 'round-robin',
        active: { path: 'h', interval_ms: 1, timeout_ms: 1, fall: 1, rise: 1 },
      }),
    ).toBe("balancer profile lb.json: active.path must start with '/'")
    expect(bad({ policy: 'round-robin', passive: { max_fails: 1 } })).toBe(
      'balancer profile lb.json: passive.fail_timeout_s is required',
    )
    expect(bad({ policy: 'weighted', weights: [1, -1] })).toMatch(
      /weights must be an array of integers/,
    )
  })
})
