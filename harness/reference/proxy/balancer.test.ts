// The reference balancer end to end over raw loopback origins: the policy
// sequence on the wire, active checks (fall, rise, Host), backup takeover and
// return, fail-closed 503, no POST retry, an idempotent retry that replays the
// body, and a timed-out upstream connection never reused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Scope } from '../../net/started.js'
import { startReferenceBalancer } from './balancer-server.js'
import {
  closedPort,
  connectPeer,
  fieldLines,
  must,
  startRawOrigin,
  type RawOrigin,
} from './test-kit.js'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

/** An origin answering its name; `/healthz` answers `health()`; `/reset` paths are reset after reading. */
async function origin(name: string, health: () => number = () => 200): Promise<RawOrigin> {
  return scope.use(
    await startRawOrigin((r) => {
      const target = r.head.split(' ')[1] ?? ''
      if (target === '/healthz') {
        r.conn.socket.end(
          `HTTP/1.1 ${health()} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
        )
        return
      }
      if (target.startsWith('/reset')) {
        r.conn.socket.resetAndDestroy()
        return
      }
      r.conn.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${name.length}\r\n\r\n${name}`)
    }),
  )
}

const clientRequests = (o: RawOrigin) =>
  o.requests.filter((r) => !r.head.startsWith('GET /healthz '))

async function send(port: number, request: string, methods: string[] = []) {
  const peer = await connectPeer(port)
  scope.defer(() => {
    peer.socket.destroy()
  })
  peer.socket.write(request)
  return must(await peer.waitForResponses(1, methods))[0]!
}
const get = (port: number, path = '/') =>
  send(port, `GET ${path} HTTP/1.1\r\nHost: lb.test\r\n\r\n`)
const bodyOf = (r: { body: Buffer }) => r.body.toString('latin1')

describe('startReferenceBalancer', () => {
  it('spreads over its primaries by the declared weights, in nginx smooth order', async () => {
    const origins = [await origin('a'), await origin('b'), await origin('c')]
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: origins.map((o) => ({ host: '127.0.0.1', port: o.port })),
        profile: { policy: 'weighted', weights: [3, 1, 1] },
      }),
    )
    const answers: string[] = []
    for (let i = 0; i < 10; i += 1) answers.push(bodyOf(await get(lb.port)))
    expect(answers.join('')).toBe('abacaabaca')
  })

  it('fails closed with a framed 503 and no traffic when every backend is down', async () => {
    const origins = [await origin('a', () => 503), await origin('b', () => 503)]
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: origins.map((o) => ({ host: '127.0.0.1', port: o.port })),
        profile: {
          policy: 'round-robin',
          active: { path: '/healthz', interval_ms: 50, timeout_ms: 500, fall: 1, rise: 1 },
          all_unhealthy: 'fail-closed',
        },
      }),
    )
    must(
      await lb.balancer!.waitFor('both down', () =>
        lb.balancer!.backends.every((b) => !b.up) ? true : undefined,
      ),
    )
    const response = await get(lb.port)
    expect(response.head.status).toBe(503)
    expect(response.head.headers.some((f) => f.name.toLowerCase() === 'content-length')).toBe(true)
    expect(origins.map(clientRequests)).toEqual([[], []])
  })

  it('active checks carry Host; fall takes a backend out, rise brings it back', async () => {
    let health = 200
    const a = await origin('a')
    const b = await origin('b', () => health)
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: [a, b].map((o) => ({ host: '127.0.0.1', port: o.port })),
        profile: {
          policy: 'round-robin',
          active: {
            path: '/healthz',
            host: 'health.test',
            interval_ms: 20,
            timeout_ms: 500,
            fall: 2,
            rise: 2,
          },
        },
      }),
    )
    const backend = lb.balancer!.backends[1]!
    must(
      await lb.balancer!.waitFor('a first check', () => (backend.checks >= 1 ? true : undefined)),
    )
    const check = b.requests.find((r) => r.head.startsWith('GET /healthz HTTP/1.1'))!
    expect(fieldLines(check.head, 'host')).toEqual(['health.test'])
    health = 503
    must(await lb.balancer!.waitFor('b down', () => (backend.up ? undefined : true)))
    expect(backend.failedRun).toBeGreaterThanOrEqual(2)
    expect([bodyOf(await get(lb.port)), bodyOf(await get(lb.port))]).toEqual(['a', 'a'])
    health = 200
    must(await lb.balancer!.waitFor('b up', () => (backend.up ? true : undefined)))
    expect(backend.passedRun).toBeGreaterThanOrEqual(2)
    const after = [bodyOf(await get(lb.port)), bodyOf(await get(lb.port))].sort()
    expect(after).toEqual(['a', 'b'])
  })

  it('pessimistic initial state: no traffic before the first passed check', async () => {
    const a = await origin('a')
    const b = await origin('b', () => 503)
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: [a, b].map((o) => ({ host: '127.0.0.1', port: o.port })),
        profile: {
          policy: 'round-robin',
          active: {
            path: '/healthz',
            interval_ms: 20,
            timeout_ms: 500,
            fall: 1,
            rise: 1,
            initial_state: 'down',
          },
        },
      }),
    )
    expect(lb.balancer!.backends.map((x) => x.up)).toEqual([false, false])
    must(
      await lb.balancer!.waitFor('a up', () => (lb.balancer!.backends[0]!.up ? true : undefined)),
    )
    for (let i = 0; i < 4; i += 1) expect(bodyOf(await get(lb.port))).toBe('a')
    expect(clientRequests(b)).toEqual([])
  })

  it('backups take over when no primary is usable and hand back when one returns', async () => {
    let health = 200
    const p = await origin('p', () => health)
    const b1 = await origin('x')
    const b2 = await origin('y')
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: [{ host: '127.0.0.1', port: p.port }],
        backups: [b1, b2].map((o) => ({ host: '127.0.0.1', port: o.port })),
        profile: {
          policy: 'round-robin',
          active: { path: '/healthz', interval_ms: 20, timeout_ms: 500, fall: 1, rise: 1 },
          backup: { origins: 2, mode: 'first' },
        },
      }),
    )
    const primary = lb.balancer!.primaries[0]!
    expect([bodyOf(await get(lb.port)), bodyOf(await get(lb.port))]).toEqual(['p', 'p'])
    health = 503
    must(await lb.balancer!.waitFor('p down', () => (primary.up ? undefined : true)))
    expect([bodyOf(await get(lb.port)), bodyOf(await get(lb.port))]).toEqual(['x', 'x'])
    health = 200
    must(await lb.balancer!.waitFor('p up', () => (primary.up ? true : undefined)))
    expect(bodyOf(await get(lb.port))).toBe('p')
    expect(clientRequests(b2)).toEqual([])
  })

  it('passive checks take a refusing backend out; its requests go elsewhere, once', async () => {
    const a = await origin('a')
    const dead = await closedPort()
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: [
          { host: '127.0.0.1', port: dead },
          { host: '127.0.0.1', port: a.port },
        ],
        profile: { policy: 'round-robin', passive: { max_fails: 1, fail_timeout_s: 30 } },
      }),
    )
    // The connect failure wrote nothing: backend selection moves on (LB-01 allows it).
    for (let i = 0; i < 3; i += 1) expect(bodyOf(await get(lb.port))).toBe('a')
    expect(lb.balancer!.primaries[0]!.requests).toBe(1)
  })

  it('never sends a POST again after a reset, even with another backend up (LB-01)', async () => {
    const a = await origin('a')
    const b = await origin('b')
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: [a, b].map((o) => ({ host: '127.0.0.1', port: o.port })),
        profile: { policy: 'round-robin', retries: { idempotent: 3 } },
      }),
    )
    const response = await send(
      lb.port,
      'POST /reset HTTP/1.1\r\nHost: lb.test\r\nContent-Length: 3\r\n\r\nabc',
    )
    expect(response.head.status).toBe(502)
    expect(a.requests.length + b.requests.length).toBe(1)
  })

  it('retries an idempotent request once on another backend, body included (LB-04, LB-14)', async () => {
    const origins = [await origin('a'), await origin('b'), await origin('c')]
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: origins.map((o) => ({ host: '127.0.0.1', port: o.port })),
        profile: { policy: 'round-robin' },
      }),
    )
    const put = 'PUT /reset HTTP/1.1\r\nHost: lb.test\r\nContent-Length: 5\r\n\r\nhello'
    const response = await send(lb.port, put)
    // Two deliveries (the first and one retry), each with the whole body; then the error.
    expect(response.head.status).toBe(502)
    const seen = origins.flatMap((o) => o.requests)
    expect(seen.map((r) => r.message.body.toString())).toEqual(['hello', 'hello'])
    expect(origins.map((o) => o.requests.length)).toEqual([1, 1, 0])
  })

  it('closes an upstream connection it gave up on; the late answer reaches nobody (LB-05)', async () => {
    const held: { write: (s: string) => void }[] = []
    const slow = scope.use(
      await startRawOrigin((r) => {
        const path = r.head.split(' ')[1] ?? ''
        if (path === '/slow') {
          held.push({ write: (s) => r.conn.socket.write(s) })
          return
        }
        // The late answer of /slow first, if its connection is still ours, then this one.
        held.shift()?.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate')
        r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh')
      }),
    )
    const lb = scope.use(
      await startReferenceBalancer({
        primaries: [{ host: '127.0.0.1', port: slow.port }],
        profile: { policy: 'round-robin' },
        upstreamTimeoutMs: 100,
      }),
    )
    expect((await get(lb.port, '/slow')).head.status).toBe(504)
    expect(bodyOf(await get(lb.port, '/next'))).toBe('fresh')
    expect(slow.connections).toHaveLength(2)
  })
})
