import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isHarnessError } from '../../net/errors.js'
import { Scope } from '../../net/started.js'
import { startReferenceProxy } from './proxy-server.js'
import { connectPeer, fieldLines, must, startRawOrigin } from './test-kit.js'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

describe('startReferenceProxy (options)', () => {
  it('connects to names mapped in hosts, keeping the name in Host', async () => {
    const origin = scope.use(
      await startRawOrigin((r) => r.conn.socket.write('HTTP/1.1 204 No Content\r\n\r\n')),
    )
    const proxy = scope.use(
      await startReferenceProxy({ mode: 'forward', hosts: { 'O.Test': '127.0.0.1' } }),
    )
    const peer = await connectPeer(proxy.port)
    scope.defer(() => {
      peer.socket.destroy()
    })
    peer.socket.write(`GET http://o.test:${origin.port}/x HTTP/1.1\r\nHost: o.test\r\n\r\n`)
    expect(must(await peer.waitForResponses(1))[0]?.head.status).toBe(204)
    expect(fieldLines(origin.requests[0]!.head, 'host')).toEqual([`o.test:${origin.port}`])
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`)
  })

  it('refuses to start with anything that is not loopback', async () => {
    const outside = await startReferenceProxy({
      mode: 'reverse',
      upstream: { host: '192.0.2.1', port: 80 },
    }).catch((e: unknown) => e)
    expect(isHarnessError(outside, 'HARNESS_NOT_LOOPBACK')).toBe(true)
    const mapped = await startReferenceProxy({
      mode: 'forward',
      hosts: { 'o.test': '10.0.0.1' },
    }).catch((e: unknown) => e)
    expect(isHarnessError(mapped, 'HARNESS_NOT_LOOPBACK')).toBe(true)
    const missing = await startReferenceProxy({ mode: 'reverse' }).catch((e: unknown) => e)
    expect(isHarnessError(missing, 'HARNESS_BAD_INPUT')).toBe(true)
  })

  it('closes idempotently and destroys live client and upstream connections', async () => {
    const origin = scope.use(await startRawOrigin(() => undefined))
    const proxy = await startReferenceProxy({ mode: 'forward' })
    scope.defer(() => proxy.close())
    const peer = await connectPeer(proxy.port)
    scope.defer(() => {
      peer.socket.destroy()
    })
    peer.socket.write(`GET http://${origin.authority}/hang HTTP/1.1\r\nHost: x\r\n\r\n`)
    must(await origin.waitFor('the request at the origin', () => origin.requests[0]))
    await Promise.all([proxy.close(), proxy.close()])
    // Both sockets were destroyed: each peer sees its FIN.
    must(await peer.waitForEnd())
    must(
      await origin.waitFor('the upstream connection to end', () =>
        origin.connections[0]?.peerEnded === true ? true : undefined,
      ),
    )
    await proxy.close()
  })
})
