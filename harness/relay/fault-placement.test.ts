// The fault relay between a target and its origin: the reference reverse
// proxy's upstream is the relay, which forwards to a raw origin. What the
// proxy does about a slow, reset or silent upstream is then visible to a
// client, with no change to the proxy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Scope } from '../net/started.js'
import { startReferenceProxy } from '../reference/proxy/proxy-server.js'
import { connectPeer, must, startRawOrigin } from '../reference/proxy/test-kit.js'
import { startFaultRelay } from './fault-relay.js'
import type { FaultPlan } from './fault-types.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

async function statusThrough(plan: FaultPlan): Promise<number | undefined> {
  const origin = scope.use(await startRawOrigin((r) => r.conn.socket.write(OK)))
  const relay = scope.use(
    await startFaultRelay({ upstream: { host: '127.0.0.1', port: origin.port }, plan }),
  )
  const proxy = scope.use(
    await startReferenceProxy({
      mode: 'reverse',
      upstream: { host: relay.host, port: relay.port },
      // A black hole must cost this much, not the default 30 s.
      upstreamTimeoutMs: 300,
    }),
  )
  const peer = await connectPeer(proxy.port)
  scope.defer(() => {
    peer.socket.destroy()
  })
  peer.socket.write('GET /x HTTP/1.1\r\nHost: o.test\r\n\r\n')
  const [response] = must(await peer.waitForResponses(1, [], 3000))
  return response?.head.status
}

describe('the fault relay between a target and its origin', () => {
  it('a one-byte, slow upstream path still gives the client its 200', async () => {
    expect(
      await statusThrough({ toUpstream: { fragmentBytes: 1 }, toClient: { latencyMs: 50 } }),
    ).toBe(200)
  })

  it('an upstream reset before any response byte becomes a 502', async () => {
    expect(await statusThrough({ toUpstream: { fault: { action: 'reset', afterBytes: 5 } } })).toBe(
      502,
    )
  })

  it('an upstream that goes silent becomes a 504 after the proxy timeout', async () => {
    expect(await statusThrough({ toClient: { fault: { action: 'black-hole' } } })).toBe(504)
  })
})
