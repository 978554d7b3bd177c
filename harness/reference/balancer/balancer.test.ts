// The balancer's decisions without sockets: exact policy sequences, hash
// stability and remapping, least-conn, passive ejection and return, backups,
// fail-closed and fail-open.
import { describe, expect, it } from 'vitest'
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'
import { requestHead } from '../proxy/head-fixtures.js'
import { Balancer, type Choice } from './balancer.js'
import type { Backend } from './backend.js'
import { seededRandom } from './rng.js'
import { balanceSteps } from './steps.js'

const at = (port: number) => ({ address: '127.0.0.1', port })
const request = (target = '/', ...fields: string[]) => ({
  head: requestHead(`GET ${target} HTTP/1.1`, 'Host: lb.test', ...fields),
  clientAddress: '127.0.0.1',
})

function balancer(profile: BalancerProfile, primaries = 3, backups = 0, now = () => 0): Balancer {
  return new Balancer({
    primaries: Array.from({ length: primaries }, (_, i) => at(1001 + i)),
    backups: Array.from({ length: backups }, (_, i) => at(2001 + i)),
    profile,
    steps: balanceSteps,
    random: seededRandom(7),
    now,
  })
}

/** Chooses and finishes at once; the backend's name (p0, p1, b0...). */
function pick(b: Balancer, req = request(), tried: ReadonlySet<Backend> = new Set()): string {
  const choice = b.choose(req, tried)
  if (choice.kind === 'none') return String(choice.status)
  b.finished(choice)
  return name(choice.backend)
}
const name = (backend: Backend): string => `${backend.backup ? 'b' : 'p'}${backend.index}`
const picks = (b: Balancer, n: number): string[] => Array.from({ length: n }, () => pick(b))
const backendOf = (choice: Choice): Backend => {
  if (choice.kind === 'none') throw new Error('no backend')
  return choice.backend
}

describe('policies', () => {
  it('round robin cycles in configured order', () => {
    expect(picks(balancer({ policy: 'round-robin' }), 7)).toEqual([
      'p0',
      'p1',
      'p2',
      'p0',
      'p1',
      'p2',
      'p0',
    ])
  })

  it('weighted is nginx smooth weighted round robin (3:1:1), weight 0 never used', () => {
    expect(picks(balancer({ policy: 'weighted', weights: [3, 1, 1] }), 10)).toEqual([
      'p0',
      'p1',
      'p0',
      'p2',
      'p0',
      'p0',
      'p1',
      'p0',
      'p2',
      'p0',
    ])
    const zero = picks(balancer({ policy: 'weighted', weights: [1, 0, 1] }), 6)
    expect(zero).toEqual(['p0', 'p2', 'p0', 'p2', 'p0', 'p2'])
  })

  it('first always takes the first usable backend', () => {
    expect(picks(balancer({ policy: 'first' }), 3)).toEqual(['p0', 'p0', 'p0'])
  })

  it('least-conn avoids the backend with requests in flight, per weight', () => {
    const b = balancer({ policy: 'least-conn' })
    const held = [b.choose(request(), new Set()), b.choose(request(), new Set())]
    expect(held.map((c) => name(backendOf(c)))).toEqual(['p0', 'p1'])
    expect(picks(b, 4)).toEqual(['p2', 'p2', 'p2', 'p2'])
    for (const c of held) if (c.kind === 'backend') b.finished(c)
    expect(new Set(picks(b, 6)).size).toBe(3)
  })

  it('hash: the same key always reaches the same backend, keys spread', () => {
    for (const consistent of [true, false]) {
      const b = balancer({ policy: 'hash', hash: { key: 'uri', consistent } })
      const first = Array.from({ length: 60 }, (_, i) => pick(b, request(`/k/${i}`)))
      const again = Array.from({ length: 60 }, (_, i) => pick(b, request(`/k/${i}`)))
      expect(again).toEqual(first)
      expect(new Set(first).size).toBe(3)
    }
  })

  it('hash on a header, a cookie, or the source address', () => {
    const header = balancer({ policy: 'hash', hash: { key: 'header:X-User' } })
    const cookie = balancer({ policy: 'hash', hash: { key: 'cookie:sid' } })
    const ip = balancer({ policy: 'hash', hash: { key: 'source-ip' } })
    for (let i = 0; i < 20; i += 1) {
      expect(pick(header, request(`/a${i}`, 'X-User: u1'))).toBe(
        pick(header, request('/z', 'X-User: u1')),
      )
      expect(pick(cookie, request(`/a${i}`, 'Cookie: a=1; sid=s9'))).toBe(
        pick(cookie, request('/y', 'Cookie: sid=s9')),
      )
      expect(pick(ip, request(`/a${i}`))).toBe(pick(ip, request('/b')))
    }
  })

  it('consistent hash: when a backend leaves, only its keys move, and they come back', () => {
    let now = 0
    const b = balancer(
      {
        policy: 'hash',
        hash: { key: 'uri', consistent: true },
        passive: { max_fails: 1, fail_timeout_s: 10 },
      },
      3,
      0,
      () => now,
    )
    const keys = Array.from({ length: 300 }, (_, i) => `/key/${i}`)
    const baseline = keys.map((k) => pick(b, request(k)))
    b.note(b.primaries[1]!, 'failed')
    const without = keys.map((k) => pick(b, request(k)))
    keys.forEach((_, i) => {
      if (baseline[i] !== 'p1') expect(without[i]).toBe(baseline[i])
      else expect(without[i]).not.toBe('p1')
    })
    now = 10_001
    b.note(b.primaries[1]!, 'answered')
    expect(keys.map((k) => pick(b, request(k)))).toEqual(baseline)
  })

  it('random and random-two follow the seeded source and reach every backend', () => {
    for (const policy of ['random', 'random-two'] as const) {
      const a = picks(balancer({ policy }), 60)
      expect(picks(balancer({ policy }), 60)).toEqual(a)
      expect(new Set(a).size).toBe(3)
    }
  })
})

describe('backend state', () => {
  it('passive: out after max_fails within fail_timeout, then one probe, then back', () => {
    let now = 0
    const b = balancer(
      { policy: 'round-robin', passive: { max_fails: 2, fail_timeout_s: 1 } },
      2,
      0,
      () => now,
    )
    const p1 = b.primaries[1]!
    b.note(p1, 'failed')
    expect(b.usable(p1)).toBe(true)
    now = 1500 // outside the window: the count starts again
    b.note(p1, 'failed')
    expect(b.usable(p1)).toBe(true)
    b.note(p1, 'failed')
    expect(b.usable(p1)).toBe(false)
    expect(picks(b, 3)).toEqual(['p0', 'p0', 'p0'])
    now = 2600
    const probe = b.choose(request(), new Set([b.primaries[0]!]))
    expect(probe).toMatchObject({ kind: 'backend', probe: true })
    // One probe at a time.
    expect(b.usable(p1)).toBe(false)
    if (probe.kind === 'backend') b.finished(probe)
    b.note(p1, 'answered')
    expect(b.usable(p1)).toBe(true)
  })

  it('backups only when no primary is usable: first, or all', () => {
    const first = balancer(
      { policy: 'round-robin', passive: { max_fails: 1, fail_timeout_s: 10 } },
      2,
      2,
    )
    expect(picks(first, 4)).toEqual(['p0', 'p1', 'p0', 'p1'])
    for (const p of first.primaries) first.note(p, 'failed')
    expect(picks(first, 3)).toEqual(['b0', 'b0', 'b0'])
    const all = balancer(
      {
        policy: 'round-robin',
        passive: { max_fails: 1, fail_timeout_s: 10 },
        backup: { origins: 2, mode: 'all' },
      },
      2,
      2,
    )
    for (const p of all.primaries) all.note(p, 'failed')
    expect(picks(all, 4)).toEqual(['b0', 'b1', 'b0', 'b1'])
  })

  it('all unhealthy: fail-closed answers 503, fail-open uses every primary', () => {
    const profile: BalancerProfile = {
      policy: 'round-robin',
      passive: { max_fails: 1, fail_timeout_s: 10 },
    }
    const closed = balancer(profile, 2)
    for (const p of closed.primaries) closed.note(p, 'failed')
    expect(closed.choose(request(), new Set())).toMatchObject({ kind: 'none', status: 503 })
    const open = balancer({ ...profile, all_unhealthy: 'fail-open' }, 2)
    for (const p of open.primaries) open.note(p, 'failed')
    expect(picks(open, 2)).toEqual(['p0', 'p1'])
  })

  it('excludes the backends already tried', () => {
    const b = balancer({ policy: 'round-robin' }, 2)
    expect(pick(b, request(), new Set([b.primaries[0]!]))).toBe('p1')
    expect(pick(b, request(), new Set(b.primaries))).toBe('503')
  })
})

describe('the retry decision', () => {
  const base = {
    written: true,
    responseStarted: false,
    replayable: true,
    retries: 0,
    profile: { policy: 'round-robin' } as const,
  }
  it('moves on after a connect failure, never after a response started', () => {
    expect(balanceSteps.mayRetryElsewhere({ ...base, method: 'POST', written: false })).toBe(true)
    expect(balanceSteps.mayRetryElsewhere({ ...base, method: 'GET', responseStarted: true })).toBe(
      false,
    )
  })
  it('repeats only an idempotent, replayable request, retries.idempotent times (default 1)', () => {
    expect(balanceSteps.mayRetryElsewhere({ ...base, method: 'POST' })).toBe(false)
    expect(balanceSteps.mayRetryElsewhere({ ...base, method: 'PATCH' })).toBe(false)
    expect(balanceSteps.mayRetryElsewhere({ ...base, method: 'FROB' })).toBe(false)
    expect(balanceSteps.mayRetryElsewhere({ ...base, method: 'PUT' })).toBe(true)
    expect(balanceSteps.mayRetryElsewhere({ ...base, method: 'PUT', replayable: false })).toBe(
      false,
    )
    expect(balanceSteps.mayRetryElsewhere({ ...base, method: 'GET', retries: 1 })).toBe(false)
    const two = { ...base, profile: { policy: 'round-robin', retries: { idempotent: 2 } } as const }
    expect(balanceSteps.mayRetryElsewhere({ ...two, method: 'GET', retries: 1 })).toBe(true)
  })
})
