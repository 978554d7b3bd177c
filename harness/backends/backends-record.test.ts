import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Deadline, isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { lbRequest, parseLbResponse } from './lb-id.js'
import { startBackends } from './start-backends.js'
import { clientOf, lbOf, tryConnect } from './test-kit.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

describe('startBackends', () => {
  it('starts primaries and backups on their own loopback ports, named O1… and B1…', async () => {
    const backends = scope.use(await startBackends({ primaries: 3, backups: 2 }))
    expect(backends.primaries.map((b) => b.name)).toEqual(['O1', 'O2', 'O3'])
    expect(backends.backups.map((b) => b.name)).toEqual(['B1', 'B2'])
    expect(new Set(backends.all.map((b) => b.port)).size).toBe(5)
    for (const backend of backends.all) {
      expect(backend.host).toBe('127.0.0.1')
      expect(backend.authority).toBe(`127.0.0.1:${backend.port}`)
      expect(backend.listening).toBe(true)
    }
    expect(backends.origins.split(',')).toEqual(backends.primaries.map((b) => b.authority))
    expect(backends.backup.split(',')).toEqual(backends.backups.map((b) => b.authority))
    expect(backends.byName('B2')).toBe(backends.backups[1])
    expect(backends.healthPath).toBe('/healthz')
  })

  it('close() stops every listener and connection, and may be called twice', async () => {
    const backends = await startBackends({ primaries: 2 })
    const o1 = backends.primaries[0]!
    o1.slow(60_000)
    const client = await clientOf(scope, o1)
    await client.write(lbRequest('pending'))
    expect(isTimeout(await o1.waitForRequest('pending', 2000))).toBe(false)
    await backends.close()
    await backends.close()
    expect(isTimeout(await client.waitForClose())).toBe(false)
    for (const backend of backends.all) expect(await tryConnect(backend.port)).toBe('ECONNREFUSED')
    expect(o1.requests[0]?.outcome).toBe('closed')
    expect(o1.inFlight).toBe(0)
  })
})

describe('waits and inputs', () => {
  it('a wait past its deadline is a TimeoutValue; a bad control value is a harness fault', async () => {
    const backends = scope.use(await startBackends({ primaries: 1 }))
    const o1 = backends.primaries[0]!
    const deadline = new Deadline(60)
    // The failure path: nothing sends a health check here.
    expect(await o1.waitForHealthChecks(1, deadline)).toMatchObject({ kind: 'timeout' })
    deadline.dispose()
    expect(() => o1.slow(-1)).toThrow(/non-negative/)
    expect(() => o1.cutBody(Number.NaN, 'fin')).toThrow(/non-negative/)
    await expect(startBackends({ primaries: 0 })).rejects.toThrow(/0 primaries/)
  })
})

describe('a backend records and echoes', () => {
  it('echoes the id in X-Proxyspec-Id and the first body line, and names itself', async () => {
    const backends = scope.use(await startBackends({ primaries: 2 }))
    const o2 = backends.primaries[1]!
    const client = await clientOf(scope, o2)
    await client.write(lbRequest('r-1', { path: '/a/b?q=1' }))
    const result = await client.readResponse()
    expect(lbOf(result)).toEqual({
      id: 'r-1',
      bodyId: 'r-1',
      backend: 'O2',
      status: 200,
      complete: true,
    })
    expect(backends.primaries[0]!.requests).toEqual([])
  })

  it('records each request: id from path or header, connection reuse, head, body hash, times', async () => {
    const backends = scope.use(await startBackends({ primaries: 1 }))
    const o1 = backends.primaries[0]!
    const client = await clientOf(scope, o1)
    const before = performance.now()
    await client.write(lbRequest('first', { host: 'lb.test', headers: [['X-Extra', 'yes']] }))
    await client.readResponse()
    const body = 'posted body'
    await client.write(lbRequest('second', { method: 'POST', body }))
    await client.readResponse()
    // The id only in the header (a balancer that rewrote the path), then only in the path.
    await client.write('GET /rewritten HTTP/1.1\r\nHost: h\r\nX-Proxyspec-Id: third\r\n\r\n')
    expect(parseLbResponse((await readMessage(client)).bytes).id).toBe('third')
    await client.write('GET /lb/fourth/x HTTP/1.1\r\nHost: h\r\n\r\n')
    expect(parseLbResponse((await readMessage(client)).bytes).id).toBe('fourth')

    const seen = await o1.waitForRequests(4, new Deadline(2000))
    if (isTimeout(seen)) throw new Error('requests not recorded')
    const [first, second, third, fourth] = seen
    expect(first).toMatchObject({
      seq: 1,
      id: 'first',
      idInPath: 'first',
      idInHeader: 'first',
      conn: 'O1-1',
      connSeq: 1,
      reused: false,
      method: 'GET',
      target: '/lb/first/',
      version: 'HTTP/1.1',
      host: 'lb.test',
      bodyLength: 0,
      complete: true,
      outcome: 'answered',
      status: 200,
      inFlightOnArrival: 1,
    })
    expect(first?.headers.map((h) => h.name)).toEqual(['Host', 'X-Proxyspec-Id', 'X-Extra'])
    expect(first!.arrivedAt).toBeGreaterThanOrEqual(before)
    expect(first!.completedAt).toBeGreaterThanOrEqual(first!.arrivedAt)
    expect(second).toMatchObject({
      id: 'second',
      method: 'POST',
      connSeq: 2,
      reused: true,
      bodyLength: body.length,
      bodySha256: createHash('sha256').update(body).digest('hex'),
      complete: true,
    })
    expect(third).toMatchObject({ id: 'third', idInPath: undefined, idInHeader: 'third' })
    expect(fourth).toMatchObject({ id: 'fourth', idInPath: 'fourth', idInHeader: undefined })
    expect(o1.connections).toHaveLength(1)
    expect(o1.connections[0]).toMatchObject({ id: 'O1-1', requests: 4, closedAt: undefined })
    expect(o1.inFlight).toBe(0)
  })

  it('records a body cut short as incomplete, with what did arrive', async () => {
    const backends = scope.use(await startBackends({ primaries: 1 }))
    const o1 = backends.primaries[0]!
    const client = await clientOf(scope, o1)
    await client.write('POST /lb/short/ HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc')
    await client.end()
    const closed = await o1.waitFor(
      'the connection to close',
      () => o1.connections[0]?.closedAt,
      2000,
    )
    expect(isTimeout(closed)).toBe(false)
    expect(o1.requests[0]).toMatchObject({
      id: 'short',
      bodyLength: 3,
      complete: false,
      outcome: 'closed',
    })
    expect(o1.requests[0]?.bodySha256).toBe(createHash('sha256').update('abc').digest('hex'))
  })

  it('counts client requests in flight, and their most', async () => {
    const backends = scope.use(await startBackends({ primaries: 1 }))
    const o1 = backends.primaries[0]!
    o1.blackhole()
    const a = await clientOf(scope, o1)
    const b = await clientOf(scope, o1)
    await a.write(lbRequest('a'))
    await b.write(lbRequest('b'))
    const both = await o1.waitFor('2 in flight', () => (o1.inFlight === 2 ? true : undefined), 2000)
    expect(both).toBe(true)
    expect(o1.maxInFlight).toBe(2)
    expect(o1.requests.map((r) => r.inFlightOnArrival)).toEqual([1, 2])
    await a.close()
    const one = await o1.waitFor('1 in flight', () => (o1.inFlight === 1 ? true : undefined), 2000)
    expect(one).toBe(true)
    expect(o1.requests[0]).toMatchObject({ outcome: 'closed', status: undefined })
  })
})

describe('health checks (§12.2.2)', () => {
  it('records a request on the health path with no id apart, never as client traffic', async () => {
    const backends = scope.use(await startBackends({ primaries: 1, healthPath: '/hc' }))
    const o1 = backends.primaries[0]!
    const client = await clientOf(scope, o1)
    await client.write('GET /hc HTTP/1.1\r\nHost: health.test\r\n\r\n')
    const check = await client.readResponse()
    expect(check.kind === 'response' ? check.message.head.status : check.kind).toBe(200)
    // With an id it is client traffic.
    await client.write('GET /hc HTTP/1.1\r\nHost: h\r\nX-Proxyspec-Id: mine\r\n\r\n')
    expect(lbOf(await client.readResponse())).toMatchObject({ id: 'mine', backend: 'O1' })
    const checks = await o1.waitForHealthChecks(1, 2000)
    if (isTimeout(checks)) throw new Error('no health check')
    expect(checks).toHaveLength(1)
    expect(checks[0]).toMatchObject({
      seq: 1,
      conn: 'O1-1',
      connSeq: 1,
      reused: false,
      method: 'GET',
      target: '/hc',
      version: 'HTTP/1.1',
      host: 'health.test',
      answer: 200,
    })
    expect(o1.requests.map((r) => [r.id, r.connSeq, r.reused])).toEqual([['mine', 2, true]])
    expect(o1.maxInFlight).toBe(1)
  })
})

/** A whole response's bytes (the raw client parses it; the LB helper reads the bytes here). */
async function readMessage(client: Awaited<ReturnType<typeof clientOf>>) {
  const result = await client.readResponse()
  if (result.kind !== 'response') throw new Error(`no response: ${result.kind}`)
  return { bytes: result.message.raw, message: result.message }
}
