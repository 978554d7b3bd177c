// Connection limit, queue and slow start without sockets (LB-23, LB-24).
import { describe, expect, it } from 'vitest'
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'
import { requestHead } from '../proxy/head-fixtures.js'
import { Balancer, type Choice } from './balancer.js'
import { seededRandom } from './rng.js'
import { balanceSteps, SLOW_START_FLOOR, slowStartFactor } from './steps.js'

const request = { head: requestHead('GET / HTTP/1.1', 'Host: lb.test'), clientAddress: '127.0.0.1' }
const none = new Set<never>()

function balancer(profile: BalancerProfile, backups = 0, now = () => 0): Balancer {
  return new Balancer({
    primaries: [1001, 1002].map((port) => ({ address: '127.0.0.1', port })),
    backups: Array.from({ length: backups }, (_, i) => ({ address: '127.0.0.1', port: 2001 + i })),
    profile,
    steps: balanceSteps,
    random: seededRandom(7),
    now,
  })
}

const taken = (c: Choice): Extract<Choice, { kind: 'backend' }> => {
  if (c.kind !== 'backend') throw new Error(`no backend: ${c.text}`)
  return c
}

describe('max_conns_per_backend and queue', () => {
  it('is inert when undeclared', () => {
    const b = balancer({ policy: 'round-robin' })
    for (let i = 0; i < 10; i += 1) expect(b.choose(request, none).kind).toBe('backend')
  })

  it('refuses a saturated request at once without a queue', async () => {
    const b = balancer({ policy: 'round-robin', max_conns_per_backend: 1 })
    taken(b.choose(request, none))
    taken(b.choose(request, none))
    const full = b.choose(request, none)
    expect(full).toMatchObject({ kind: 'none', status: 503, saturated: true })
    await expect(b.queue(request, none)).resolves.toMatchObject({ kind: 'none', status: 503 })
    b.close()
  })

  it('queues first come first served, up to its size, and times out', async () => {
    const b = balancer({
      policy: 'round-robin',
      max_conns_per_backend: 1,
      queue: { size: 1, timeout_ms: 50 },
    })
    const first = taken(b.choose(request, none))
    taken(b.choose(request, none))
    const waiting = b.queue(request, none)
    await expect(b.queue(request, none)).resolves.toMatchObject({ kind: 'none', status: 503 })
    expect(b.queued).toBe(1)
    b.finished(first)
    const served = taken(await waiting)
    expect(served.backend).toBe(first.backend)
    await expect(b.queue(request, none)).resolves.toMatchObject({ kind: 'none', status: 503 })
    b.close()
  })

  it('sends the excess to a backup only when saturation counts as down', () => {
    for (const counts of [false, true]) {
      const b = balancer(
        {
          policy: 'round-robin',
          max_conns_per_backend: 1,
          backup: { origins: 1, saturation_counts_as_down: counts },
        },
        1,
      )
      taken(b.choose(request, none))
      taken(b.choose(request, none))
      const third = b.choose(request, none)
      if (counts) expect(taken(third).backend.backup).toBe(true)
      else expect(third).toMatchObject({ kind: 'none', saturated: true })
      b.close()
    }
  })
})

describe('slow start', () => {
  it('ramps from the floor to 1 over slow_start_s after a readmission, not at start', () => {
    const b = balancer({ policy: 'round-robin', slow_start_s: 1 })
    const backend = b.primaries[0]!
    const profile = b.profile
    expect(slowStartFactor(backend, profile, 0)).toBe(1)
    backend.readmittedAt = 1000
    expect(slowStartFactor(backend, profile, 1000)).toBe(SLOW_START_FLOOR)
    expect(slowStartFactor(backend, profile, 1500)).toBeCloseTo(0.5)
    expect(slowStartFactor(backend, profile, 2500)).toBe(1)
    expect(slowStartFactor(backend, { policy: 'round-robin' }, 1000)).toBe(1)
  })

  it('a passively readmitted backend gets few requests at first', () => {
    let now = 0
    const b = balancer(
      { policy: 'round-robin', slow_start_s: 10, passive: { max_fails: 1, fail_timeout_s: 1 } },
      0,
      () => now,
    )
    const p1 = b.primaries[1]!
    b.note(p1, 'failed')
    now = 1001
    b.note(p1, 'answered')
    expect(p1.readmittedAt).toBe(1001)
    let onP1 = 0
    for (let i = 0; i < 40; i += 1) {
      const c = taken(b.choose(request, none))
      if (c.backend === p1) onP1 += 1
      b.finished(c)
    }
    expect(onP1).toBeLessThanOrEqual(3)
  })
})
