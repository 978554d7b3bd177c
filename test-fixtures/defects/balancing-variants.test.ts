// The balancing entries replace one balance step each: every variant changes
// what the reference balancer does on the wire (or, for least-conn, which
// backend it picks), shown against the reference over raw loopback origins.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import { Scope } from '../../harness/net/started.js'
import { Balancer } from '../../harness/reference/balancer/index.js'
import { startReferenceBalancer } from '../../harness/reference/proxy/index.js'
import { stepsWith, type StepVariant } from '../../harness/reference/proxy/steps/index.js'
import {
  connectPeer,
  fieldLines,
  must,
  startRawOrigin,
  type RawOrigin,
} from '../../harness/reference/proxy/test-kit.js'
import { allBalancingDefects as balancingDefects } from './balancing.js'
import type { ProxyDefectEntry } from './reference-with.js'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

function variant(name: string): StepVariant {
  const steps = (balancingDefects.find((d) => d.name === name) as ProxyDefectEntry | undefined)
    ?.steps
  if (steps === undefined) throw new TypeError(`no balancing variant ${name}`)
  return steps
}

/** name: its body; /healthz: health(); /reset: read then RST; /cut: half a body then RST. */
async function origin(name: string, health: () => number = () => 200): Promise<RawOrigin> {
  return scope.use(
    await startRawOrigin((r) => {
      const target = r.head.split(' ')[1] ?? ''
      const socket = r.conn.socket
      if (target === '/healthz')
        socket.end(`HTTP/1.1 ${health()} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
      else if (target === '/reset') socket.resetAndDestroy()
      else if (target === '/cut') {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n${name}${name}${name}`)
        setImmediate(() => socket.resetAndDestroy())
      } else socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`)
    }),
  )
}

async function balancer(
  origins: readonly RawOrigin[],
  profile: BalancerProfile,
  steps: StepVariant | undefined,
  more: { backups?: readonly RawOrigin[]; upstreamTimeoutMs?: number } = {},
) {
  const at = (o: RawOrigin) => ({ host: '127.0.0.1', port: o.port })
  return scope.use(
    await startReferenceBalancer({
      primaries: origins.map(at),
      profile,
      ...(more.backups === undefined ? {} : { backups: more.backups.map(at) }),
      ...(more.upstreamTimeoutMs === undefined
        ? {}
        : { upstreamTimeoutMs: more.upstreamTimeoutMs }),
      ...(steps === undefined ? {} : { steps }),
    }),
  )
}

/** Sends `request` on a new connection; everything received once the proxy ends it or answers. */
async function exchange(port: number, request: string, waitForEnd = false): Promise<string> {
  const peer = await connectPeer(port)
  scope.defer(() => {
    peer.socket.destroy()
  })
  peer.socket.write(request)
  if (waitForEnd) return must(await peer.waitForEnd()).toString('latin1')
  return must(await peer.waitForResponses(1))[0]!.body.toString('latin1')
}
const get = (port: number, path = '/') =>
  exchange(port, `GET ${path} HTTP/1.1\r\nHost: lb.test\r\n\r\n`)

describe('balancing variants', () => {
  it('retries-post-on-another-backend delivers a POST twice', async () => {
    const deliveries = async (steps?: StepVariant) => {
      const origins = [await origin('a'), await origin('b')]
      const lb = await balancer(origins, { policy: 'round-robin' }, steps)
      await exchange(lb.port, 'POST /reset HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx')
      return origins.flatMap((o) => o.requests).length
    }
    expect(await deliveries()).toBe(1)
    expect(await deliveries(variant('retries-post-on-another-backend'))).toBe(2)
  })

  it("splices-second-backend-response sends b's status line after a's partial body", async () => {
    const received = async (steps?: StepVariant) => {
      const lb = await balancer(
        [await origin('a'), await origin('b')],
        { policy: 'round-robin' },
        steps,
      )
      return exchange(lb.port, 'GET /cut HTTP/1.1\r\nHost: t\r\n\r\n', true)
    }
    const reference = await received()
    expect(reference.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(reference.endsWith('aaa')).toBe(true)
    const spliced = await received(variant('splices-second-backend-response'))
    expect(spliced.match(/HTTP\/1\.1 /g)).toHaveLength(2)
    expect(spliced).toContain('aaaHTTP/1.1 200 OK')
  })

  it('counts-failed-health-check-as-passed keeps a failing backend in', async () => {
    const upAfterChecks = async (steps?: StepVariant) => {
      const lb = await balancer(
        [await origin('a'), await origin('b', () => 503)],
        {
          policy: 'round-robin',
          active: { path: '/healthz', interval_ms: 10, timeout_ms: 500, fall: 1, rise: 1 },
        },
        steps,
      )
      const b = lb.balancer!.backends[1]!
      must(await lb.balancer!.waitFor('two checks', () => (b.checks >= 2 ? true : undefined)))
      return b.up
    }
    expect(await upAfterChecks()).toBe(false)
    expect(await upAfterChecks(variant('counts-failed-health-check-as-passed'))).toBe(true)
  })

  it('sends-to-backup-while-primary-up gives the backup traffic', async () => {
    const backupShare = async (steps?: StepVariant) => {
      const backup = await origin('x')
      const lb = await balancer([await origin('p')], { policy: 'round-robin' }, steps, {
        backups: [backup],
      })
      for (let i = 0; i < 4; i += 1) await get(lb.port)
      return backup.requests.length
    }
    expect(await backupShare()).toBe(0)
    expect(await backupShare(variant('sends-to-backup-while-primary-up'))).toBe(2)
  })

  it('ignores-weights sends to a weight-0 backend and evens 3:1', async () => {
    const answers = async (steps?: StepVariant) => {
      const lb = await balancer(
        [await origin('a'), await origin('b'), await origin('c')],
        { policy: 'weighted', weights: [3, 1, 0] },
        steps,
      )
      let seen = ''
      for (let i = 0; i < 4; i += 1) seen += await get(lb.port)
      return seen
    }
    expect(await answers()).toBe('aaba')
    expect(await answers(variant('ignores-weights'))).toBe('abca')
  })

  it('least-conn-counts-requests sends to the backend with a request in flight', () => {
    const picks = (variantSteps?: StepVariant) => {
      const b = new Balancer({
        primaries: [1, 2, 3].map((port) => ({ address: '127.0.0.1', port })),
        profile: { policy: 'least-conn' },
        steps: stepsWith(variantSteps),
      })
      const request = {
        head: { method: 'GET', target: '/', version: 'HTTP/1.1', headers: [] } as never,
        clientAddress: '',
      }
      const held = b.choose(request, new Set())
      let onHeld = 0
      for (let i = 0; i < 6; i += 1) {
        const choice = b.choose(request, new Set())
        if (choice.kind !== 'backend') throw new Error('none')
        if (held.kind === 'backend' && choice.backend === held.backend) onHeld += 1
        b.finished(choice)
      }
      return onHeld
    }
    expect(picks()).toBe(0)
    expect(picks(variant('least-conn-counts-requests'))).toBeGreaterThan(0)
  })

  it('reuses-timed-out-upstream-connection answers the next request with the late response', async () => {
    const next = async (steps?: StepVariant) => {
      const held: ((s: string) => void)[] = []
      const slow = scope.use(
        await startRawOrigin((r) => {
          if (r.head.startsWith('GET /slow ')) {
            held.push((s) => r.conn.socket.write(s))
            return
          }
          held.shift()?.('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate')
          r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh')
        }),
      )
      const lb = await balancer([slow], { policy: 'round-robin' }, steps, {
        upstreamTimeoutMs: 100,
      })
      await get(lb.port, '/slow')
      return get(lb.port, '/next')
    }
    expect(await next()).toBe('fresh')
    expect(await next(variant('reuses-timed-out-upstream-connection'))).toBe('late')
  })

  it('up-before-first-check routes to unchecked backends against initial_state down', async () => {
    const states = async (steps?: StepVariant) => {
      const lb = await balancer(
        [await origin('a', () => 503)],
        {
          policy: 'round-robin',
          active: {
            path: '/healthz',
            interval_ms: 1000,
            timeout_ms: 500,
            fall: 1,
            rise: 1,
            initial_state: 'down',
          },
        },
        steps,
      )
      return lb.balancer!.backends.map((b) => b.up)
    }
    expect(await states()).toEqual([false])
    expect(await states(variant('up-before-first-check'))).toEqual([true])
  })

  it('health-check-without-host sends HTTP/1.1 checks without Host', async () => {
    const hosts = async (steps?: StepVariant) => {
      const o = await origin('a')
      const lb = await balancer(
        [o],
        {
          policy: 'round-robin',
          active: { path: '/healthz', interval_ms: 1000, timeout_ms: 500, fall: 1, rise: 1 },
        },
        steps,
      )
      const b = lb.balancer!.backends[0]!
      must(await lb.balancer!.waitFor('a check', () => (b.checks >= 1 ? true : undefined)))
      return fieldLines(o.requests[0]!.head, 'host')
    }
    expect((await hosts()).length).toBe(1)
    expect(await hosts(variant('health-check-without-host'))).toEqual([])
  })
})
