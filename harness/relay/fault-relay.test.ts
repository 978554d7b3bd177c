// The fault relay against real sockets: an echo or sink server upstream, a
// plain TCP peer as the client. Each fault is shown to happen, and to happen
// only in the direction and at the byte count the plan names.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { startEchoServer, startSinkServer } from '../tcp/index.js'
import type { StartedTcpServer } from '../tcp/types.js'
import { connectTestPeer, type TestPeer } from '../tcp/test-peer.js'
import { startFaultRelay } from './fault-relay.js'
import type { FaultPlan } from './fault-types.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

const must = <T>(value: T): Exclude<T, { kind: 'timeout' }> => {
  if (isTimeout(value)) throw new Error(`timed out waiting for ${value.waitingFor}`)
  return value as Exclude<T, { kind: 'timeout' }>
}

async function through(
  server: StartedTcpServer,
  plan: FaultPlan = {},
): Promise<{ readonly peer: TestPeer; readonly chunks: number[] }> {
  const relay = scope.use(await startFaultRelay({ upstream: server, plan }))
  // Every read the upstream server makes, by size: what fragmenting is about.
  const chunks: number[] = []
  scope.defer(
    server.onEvent((event) => {
      if (event.type === 'data' && event.dir === 'in') chunks.push(event.data.length)
    }),
  )
  const peer = await connectTestPeer(relay.port)
  scope.defer(() => peer.destroy())
  return { peer, chunks }
}

const MESSAGE = 'GET / HTTP/1.1\r\nHost: o.test\r\n\r\n'

describe('startFaultRelay', () => {
  it('with no plan relays bytes both ways unchanged and passes a half-close on', async () => {
    const echo = scope.use(await startEchoServer())
    const { peer } = await through(echo)
    peer.socket.write(MESSAGE)
    expect(must(await peer.waitForBytes(MESSAGE.length, 2000)).toString('latin1')).toBe(MESSAGE)
    peer.socket.end()
    // The echo server half-closes after the peer does: the FIN went through the relay and back.
    must(await peer.waitForEnd(2000))
    expect(echo.connections[0]?.peerEnded).toBe(true)
  })

  it('fragments toward the upstream down to one byte per write', async () => {
    const sink = scope.use(await startSinkServer())
    const { peer, chunks } = await through(sink, { toUpstream: { fragmentBytes: 1 } })
    peer.socket.write(MESSAGE)
    const record = must(await sink.waitForBytes('s1', MESSAGE.length, 2000))
    expect(record.received.toString('latin1')).toBe(MESSAGE)
    // In one process a read may catch a byte and the next; never a whole message.
    expect(Math.max(...chunks)).toBeLessThanOrEqual(2)
    expect(chunks.length).toBeGreaterThanOrEqual(MESSAGE.length / 2)
  })

  it('fragments only the first fragmentFirstBytes bytes', async () => {
    const sink = scope.use(await startSinkServer())
    const { peer, chunks } = await through(sink, {
      toUpstream: { fragmentBytes: 1, fragmentFirstBytes: 4 },
    })
    const big = 'x'.repeat(4000)
    peer.socket.write(big)
    must(await sink.waitForBytes('s1', big.length, 2000))
    expect(chunks.length).toBeLessThan(20)
  })

  it('delays each chunk by latencyMs, in the direction named only', async () => {
    const echo = scope.use(await startEchoServer())
    const { peer } = await through(echo, { toClient: { latencyMs: 120 } })
    const started = performance.now()
    peer.socket.write('ping')
    must(await echo.waitForBytes('e1', 4, 2000))
    const atUpstream = performance.now() - started
    must(await peer.waitForBytes(4, 2000))
    const back = performance.now() - started
    expect(atUpstream).toBeLessThan(100)
    expect(back).toBeGreaterThanOrEqual(115)
  })

  it('resets both sides after afterBytes bytes, passing exactly that many', async () => {
    const sink = scope.use(await startSinkServer())
    const { peer } = await through(sink, {
      toUpstream: { fault: { action: 'reset', afterBytes: 10 } },
    })
    peer.socket.write(MESSAGE)
    must(await peer.waitForClose(2000))
    expect(peer.error).toMatch(/ECONNRESET/)
    const record = must(await sink.waitForPeerEnd('s1', 2000))
    // libuv reports a hang-up right after a read as EOF, so the sink may not call it a reset.
    expect(record.received.toString('latin1')).toBe(MESSAGE.slice(0, 10))
  })

  it('half-closes toward the upstream and keeps the other direction flowing', async () => {
    const echo = scope.use(await startEchoServer())
    const { peer } = await through(echo, {
      toUpstream: { fault: { action: 'half-close', afterBytes: 4 } },
    })
    peer.socket.write('pingpong')
    // The echo server saw 4 bytes and a FIN, echoed them, and half-closed in turn.
    expect(must(await peer.waitForBytes(4, 2000)).toString('latin1')).toBe('ping')
    must(await peer.waitForEnd(2000))
    expect(echo.connections[0]?.received.toString('latin1')).toBe('ping')
    expect(peer.error).toBeUndefined()
  })

  it('black-holes a direction: nothing arrives and nothing says so', async () => {
    const echo = scope.use(await startEchoServer())
    const { peer } = await through(echo, { toClient: { fault: { action: 'black-hole' } } })
    peer.socket.write('ping')
    must(await echo.waitForBytes('e1', 4, 2000))
    // Silence is the fault: the wait ends by its deadline, with no byte, no FIN, no RST.
    expect(isTimeout(await peer.waitForBytes(1, 150))).toBe(true)
    expect(peer.ended).toBe(false)
    expect(peer.closed).toBe(false)
  })

  it('resets at once when the fault is at 0 bytes', async () => {
    const sink = scope.use(await startSinkServer())
    const { peer } = await through(sink, { toClient: { fault: { action: 'reset' } } })
    must(await peer.waitForClose(2000))
    expect(peer.error).toMatch(/ECONNRESET/)
  })

  it('switches plan per connection', async () => {
    const sink = scope.use(await startSinkServer())
    const relay = scope.use(await startFaultRelay({ upstream: sink }))
    const first = await connectTestPeer(relay.port)
    scope.defer(() => first.destroy())
    first.socket.write('one')
    must(await sink.waitForBytes('s1', 3, 2000))
    relay.setPlan({ toUpstream: { fault: { action: 'reset' } } })
    const second = await connectTestPeer(relay.port)
    scope.defer(() => second.destroy())
    must(await second.waitForClose(2000))
    expect(second.error).toMatch(/ECONNRESET/)
    // The first connection keeps the plan it was accepted with.
    first.socket.write('two')
    expect(must(await sink.waitForBytes('s1', 6, 2000)).received.toString()).toBe('onetwo')
    expect(relay.accepted).toBe(2)
  })

  it('refuses an upstream that is not loopback', async () => {
    await expect(startFaultRelay({ upstream: { host: '192.0.2.1', port: 80 } })).rejects.toThrow(
      /loopback|refusing/,
    )
  })
})
