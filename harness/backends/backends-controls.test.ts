import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { connectTestPeer } from '../tcp/test-peer.js'
import { firstFieldValue } from '../wire/fields.js'
import { lbRequest, parseLbResponse } from './lb-id.js'
import { startBackends } from './start-backends.js'
import { clientOf, lbOf, tryConnect } from './test-kit.js'
import type { Backend } from './types.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

async function oneBackend(): Promise<Backend> {
  const backends = scope.use(await startBackends({ primaries: 1 }))
  return backends.primaries[0]!
}

const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: health.test\r\n\r\n'

describe('health(): what the health path answers, apart from client paths', () => {
  it('answers 503, then nothing, then an RST, while client requests get 200', async () => {
    const o1 = await oneBackend()
    o1.health(503)
    const c1 = await clientOf(scope, o1)
    await c1.write(HEALTH)
    const unhealthy = await c1.readResponse()
    expect(unhealthy.kind === 'response' && unhealthy.message.head.status).toBe(503)
    await c1.write(lbRequest('client-1'))
    expect(lbOf(await c1.readResponse())).toMatchObject({ id: 'client-1', status: 200 })

    o1.health('timeout')
    const c2 = await clientOf(scope, o1)
    await c2.write(HEALTH)
    // The failure path: silence is what is expected here.
    expect(await c2.readResponse({ timeoutMs: 150 })).toMatchObject({ kind: 'timeout' })

    o1.health('reset')
    const c3 = await clientOf(scope, o1)
    await c3.write(HEALTH)
    expect(await c3.readResponse()).toMatchObject({ kind: 'closed', how: 'reset' })
    expect(o1.healthChecks.map((h) => h.answer)).toEqual([503, 'timeout', 'reset'])
    expect(o1.requests.map((r) => r.id)).toEqual(['client-1'])
  })

  it('keeps answering health checks while client requests are blackholed', async () => {
    const o1 = await oneBackend()
    o1.blackhole()
    const client = await clientOf(scope, o1)
    await client.write(HEALTH)
    const check = await client.readResponse()
    expect(check.kind === 'response' && check.message.head.status).toBe(200)
  })
})

describe('refuse(), comeBack(), kill(), heal()', () => {
  it('refuses new connections, keeps open ones, and listens again on the same port', async () => {
    const o1 = await oneBackend()
    const open = await clientOf(scope, o1)
    await o1.refuse()
    expect(o1.listening).toBe(false)
    expect(await tryConnect(o1.port)).toBe('ECONNREFUSED')
    await open.write(lbRequest('still-open'))
    expect(lbOf(await open.readResponse())).toMatchObject({ id: 'still-open', status: 200 })
    await o1.comeBack()
    expect(o1.listening).toBe(true)
    const again = await clientOf(scope, o1)
    await again.write(lbRequest('back'))
    expect(lbOf(await again.readResponse())).toMatchObject({ id: 'back', backend: 'O1' })
    // The refused attempt never reached the backend.
    expect(o1.connections.map((c) => c.id)).toEqual(['O1-1', 'O1-2'])
  })

  it('kill() resets every open connection and refuses; heal() brings it back', async () => {
    const o1 = await oneBackend()
    o1.blackhole()
    const waiting = await clientOf(scope, o1)
    const idle = await clientOf(scope, o1)
    await waiting.write(lbRequest('in-flight'))
    expect(isTimeout(await o1.waitForRequest('in-flight', 2000))).toBe(false)
    await o1.kill()
    expect(await waiting.waitForClose()).toEqual({ kind: 'reset' })
    expect(await idle.waitForClose()).toEqual({ kind: 'reset' })
    expect(await tryConnect(o1.port)).toBe('ECONNREFUSED')
    expect(o1.requests[0]).toMatchObject({ outcome: 'reset' })
    expect(o1.connections.map((c) => [c.closedBy, c.how])).toEqual([
      ['backend', 'reset'],
      ['backend', 'reset'],
    ])
    await o1.heal()
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('healed'))
    expect(lbOf(await client.readResponse())).toMatchObject({ id: 'healed', status: 200 })
  })
})

describe('faults on client requests', () => {
  it('resetAfter(n): RST once n bytes of a request are in; the attempt is visible', async () => {
    const o1 = await oneBackend()
    o1.resetAfter(10)
    const client = await clientOf(scope, o1)
    await client.write('GET /lb/')
    expect(await client.readResponse({ timeoutMs: 100 })).toMatchObject({ kind: 'timeout' })
    await client.write('partial/ HTTP/1.1\r\n')
    expect(await client.waitForClose()).toEqual({ kind: 'reset' })
    expect(o1.connections[0]).toMatchObject({ bytesIn: 27, closedBy: 'backend', how: 'reset' })
    expect(o1.requests).toEqual([])
  })

  it("resetAfter('request'): reads the whole request, records it, then RST", async () => {
    const o1 = await oneBackend()
    o1.resetAfter('request')
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('post-1', { method: 'POST', body: 'x'.repeat(100) }))
    expect(await client.readResponse()).toMatchObject({ kind: 'closed', how: 'reset' })
    expect(o1.requests[0]).toMatchObject({
      id: 'post-1',
      bodyLength: 100,
      complete: true,
      outcome: 'reset',
    })
  })

  it('blackhole(): reads and never answers', async () => {
    const o1 = await oneBackend()
    o1.blackhole()
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('void'))
    expect(await client.readResponse({ timeoutMs: 150 })).toMatchObject({ kind: 'timeout' })
    expect(o1.requests[0]).toMatchObject({ id: 'void', complete: true, outcome: undefined })
    expect(o1.inFlight).toBe(1)
  })

  it('slow(ms): the response leaves no sooner than ms after the request arrived', async () => {
    const o1 = await oneBackend()
    o1.slow(120)
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('slow'))
    expect(lbOf(await client.readResponse())).toMatchObject({ id: 'slow', status: 200 })
    const request = o1.requests[0]!
    expect(request.completedAt! - request.arrivedAt).toBeGreaterThanOrEqual(115)
  })

  it("cutBody(k, 'fin'): the head and k body bytes of a longer Content-Length, then FIN", async () => {
    const o1 = await oneBackend()
    o1.cutBody(5, 'fin')
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('cut'))
    const { data, how } = await client.readUntilClose()
    expect(how).toBe('eof')
    const head = data.toString('latin1').split('\r\n\r\n')[0]!
    expect(head).toMatch(/Content-Length: \d+/)
    expect(data.length - head.length - 4).toBe(5)
    expect(parseLbResponse(data)).toMatchObject({
      id: 'cut',
      backend: 'O1',
      status: 200,
      complete: false,
    })
    expect(o1.requests[0]).toMatchObject({ outcome: 'cut', status: 200 })
  })

  it("cutBody(k, 'rst', 'chunked'): a chunk that declares more than the k bytes sent, then RST", async () => {
    const o1 = await oneBackend()
    o1.cutBody(3, 'rst', 'chunked')
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('cut-rst'))
    const { data, how } = await client.readUntilClose()
    expect(how).toBe('reset')
    const [head, body] = data.toString('latin1').split('\r\n\r\n')
    expect(head).toMatch(/Transfer-Encoding: chunked/)
    expect(body).toMatch(/^[0-9a-f]+\r\ncut$/)
    expect(parseInt(body!, 16)).toBeGreaterThan(3)
    expect(o1.connections[0]).toMatchObject({ closedBy: 'backend', how: 'reset' })
  })

  it('drain(): every response says Connection: close, then the backend closes', async () => {
    const o1 = await oneBackend()
    o1.drain()
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('last'))
    const result = await client.readResponse()
    if (result.kind !== 'response') throw new Error(result.kind)
    expect(firstFieldValue(result.message.head.headers, 'connection')).toBe('close')
    expect(await client.waitForClose()).toEqual({ kind: 'eof' })
    expect(o1.connections[0]).toMatchObject({ closedBy: 'backend', how: 'fin' })
  })

  it('records a request written after its close, unanswered, as afterClose', async () => {
    const o1 = await oneBackend()
    o1.drain()
    const peer = await connectTestPeer(o1.port)
    scope.defer(() => peer.destroy())
    peer.socket.write(lbRequest('in-time'))
    expect(isTimeout(await peer.waitForEnd(2000))).toBe(false)
    peer.socket.write(lbRequest('too-late'))
    const late = await o1.waitForRequest('too-late', 2000)
    if (isTimeout(late)) throw new Error('the late request was not recorded')
    expect(late).toMatchObject({ afterClose: true, connSeq: 2, reused: true })
    expect(o1.requests[0]).toMatchObject({ id: 'in-time', afterClose: false, outcome: 'answered' })
    peer.socket.end()
    expect(isTimeout(await peer.waitForClose(2000))).toBe(false)
    expect(parseLbResponse(peer.received())).toMatchObject({ id: 'in-time' })
    expect(peer.received().toString('latin1')).not.toContain('too-late')
    const closed = await o1.waitFor('too-late to end', () => late.outcome, 2000)
    expect(closed).toBe('closed')
  })

  it('idleClose(ms): an idle keep-alive connection gets FIN after ms, a busy one later', async () => {
    const o1 = await oneBackend()
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('before'))
    await client.readResponse()
    o1.idleClose(100)
    const switched = performance.now()
    expect(await client.waitForClose()).toEqual({ kind: 'eof' })
    expect(performance.now() - switched).toBeGreaterThanOrEqual(95)
    expect(o1.connections[0]).toMatchObject({ closedBy: 'backend', how: 'fin' })
    // A connection answering a slow request is not idle.
    o1.slow(250)
    const busy = await clientOf(scope, o1)
    await busy.write(lbRequest('busy'))
    expect(lbOf(await busy.readResponse())).toMatchObject({ id: 'busy', status: 200 })
    expect(await busy.waitForClose()).toEqual({ kind: 'eof' })
  })

  it('heal() undoes every control', async () => {
    const o1 = await oneBackend()
    o1.health(503)
    o1.cutBody(1, 'rst')
    o1.slow(5000)
    o1.drain()
    o1.idleClose(50)
    await o1.refuse()
    await o1.heal()
    const client = await clientOf(scope, o1)
    await client.write(HEALTH)
    const check = await client.readResponse()
    expect(check.kind === 'response' && check.message.head.status).toBe(200)
    await client.write(lbRequest('normal'))
    const result = await client.readResponse()
    expect(lbOf(result)).toMatchObject({ id: 'normal', status: 200, complete: true })
    expect(
      result.kind === 'response' && firstFieldValue(result.message.head.headers, 'connection'),
    ).toBe(undefined)
    expect(client.peerState).toBe('open')
  })
})

describe('leaving service (LB-07, LB-27): drain with a linger, expireIdle(), stream()', () => {
  it('drain(linger) says close, records a request sent in the linger as afterClose and never answers it', async () => {
    const o1 = await oneBackend()
    o1.drain(300)
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('d-1'))
    const first = await client.readResponse()
    expect(
      first.kind === 'response' && firstFieldValue(first.message.head.headers, 'connection'),
    ).toBe('close')
    await client.write(lbRequest('d-2'))
    expect(await client.readResponse()).toMatchObject({ kind: 'closed' })
    expect(o1.requests.map((r) => [r.id, r.afterClose])).toEqual([
      ['d-1', false],
      ['d-2', true],
    ])
  })

  it('expireIdle() closes an idle connection as its next request arrives: recorded afterClose, unanswered', async () => {
    const o1 = await oneBackend()
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('e-1'))
    expect(lbOf(await client.readResponse())).toMatchObject({ id: 'e-1', status: 200 })
    o1.expireIdle()
    await client.write(lbRequest('e-2'))
    expect(await client.readResponse()).toMatchObject({ kind: 'closed' })
    expect(o1.requests.map((r) => [r.id, r.afterClose, r.reused])).toEqual([
      ['e-1', false, false],
      ['e-2', true, true],
    ])
  })

  it('stream(bytes, rate) sends a whole Content-Length body at about that rate', async () => {
    const o1 = await oneBackend()
    o1.stream(40_000, 200_000)
    const client = await clientOf(scope, o1)
    const started = performance.now()
    await client.write(lbRequest('s-1'))
    const answer = await client.readResponse()
    const took = performance.now() - started
    expect(answer.kind === 'response' && answer.message.body.length).toBe(40_000)
    expect(lbOf(answer)).toMatchObject({ id: 's-1', status: 200, complete: true })
    expect(took).toBeGreaterThanOrEqual(150)
    expect(o1.requests[0]?.outcome).toBe('answered')
  })
})
