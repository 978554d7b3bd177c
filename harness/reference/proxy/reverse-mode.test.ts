import { afterEach, beforeEach, describe, expect, it } from 'vitest'
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

describe('startReferenceProxy (reverse)', () => {
  it('forwards origin-form to the configured upstream with the Host as received', async () => {
    const origin = scope.use(
      await startRawOrigin((r) =>
        r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
      ),
    )
    const proxy = scope.use(
      await startReferenceProxy({
        mode: 'reverse',
        upstream: { host: 'localhost', port: origin.port },
      }),
    )
    const peer = await connectPeer(proxy.port)
    scope.defer(() => {
      peer.socket.destroy()
    })
    peer.socket.write('GET /a/%2e%2e/b//c?y=%20 HTTP/1.1\r\nHost: site.test\r\nX-End: 1\r\n\r\n')
    const [response] = must(await peer.waitForResponses(1))
    expect(response?.head.status).toBe(200)
    const seen = origin.requests[0]!
    expect(seen.head.split('\r\n')[0]).toBe('GET /a/%2e%2e/b//c?y=%20 HTTP/1.1')
    expect(fieldLines(seen.head, 'host')).toEqual(['site.test'])
    expect(fieldLines(seen.head, 'via')).toEqual(['1.1 proxyspec'])
    // An HTTP/1.0 request without Host still goes upstream with one (RFC 9112 §3.2).
    peer.socket.write('GET /old HTTP/1.0\r\n\r\n')
    must(await peer.waitForEnd())
    expect(fieldLines(origin.requests[1]!.head, 'host')).toEqual([`127.0.0.1:${origin.port}`])
  })

  it('refuses CONNECT with 405 and closes', async () => {
    const origin = scope.use(await startRawOrigin(() => undefined))
    const proxy = scope.use(
      await startReferenceProxy({
        mode: 'reverse',
        upstream: { host: '127.0.0.1', port: origin.port },
      }),
    )
    const peer = await connectPeer(proxy.port)
    scope.defer(() => {
      peer.socket.destroy()
    })
    peer.socket.write(`CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n`)
    must(await peer.waitForEnd())
    expect(peer.responses().map((m) => m.head.status)).toEqual([405])
    expect(origin.connections).toHaveLength(0)
  })
})
