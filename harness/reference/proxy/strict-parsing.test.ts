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

describe('startReferenceProxy (strict parsing)', () => {
  const broken: readonly (readonly [string, (authority: string) => string])[] = [
    [
      'Content-Length with Transfer-Encoding',
      (a) =>
        `POST http://${a}/ HTTP/1.1\r\nHost: ${a}\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG`,
    ],
    [
      'duplicate Content-Length that disagree',
      (a) =>
        `POST http://${a}/ HTTP/1.1\r\nHost: ${a}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`,
    ],
    ['obs-fold', (a) => `GET http://${a}/ HTTP/1.1\r\nHost: ${a}\r\nX-A: 1\r\n  more\r\n\r\n`],
    ['whitespace before the colon', (a) => `GET http://${a}/ HTTP/1.1\r\nHost : ${a}\r\n\r\n`],
    [
      'a chunked body with a bad size',
      (a) =>
        `POST http://${a}/ HTTP/1.1\r\nHost: ${a}\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n`,
    ],
  ]

  it.each(broken)(
    'answers 400 with Connection: close and closes for %s',
    async (_name, request) => {
      const origin = scope.use(
        await startRawOrigin((r) =>
          r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
        ),
      )
      const proxy = scope.use(await startReferenceProxy({ mode: 'forward' }))
      const peer = await connectPeer(proxy.port)
      scope.defer(() => {
        peer.socket.destroy()
      })
      peer.socket.write(request(origin.authority))
      must(await peer.waitForEnd())
      const responses = peer.responses()
      expect(responses.map((m) => m.head.status)).toEqual([400])
      expect(fieldLines(responses[0]!.head.raw.toString('latin1'), 'connection')).toEqual(['close'])
      expect(origin.requests).toHaveLength(0)
    },
  )

  it('answers 502 to an upstream response it cannot parse', async () => {
    const origin = scope.use(
      await startRawOrigin((r) =>
        r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello'),
      ),
    )
    const proxy = scope.use(await startReferenceProxy({ mode: 'forward' }))
    const peer = await connectPeer(proxy.port)
    scope.defer(() => {
      peer.socket.destroy()
    })
    peer.socket.write(`GET http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\n\r\n`)
    const [response] = must(await peer.waitForResponses(1))
    expect(response?.head.status).toBe(502)
    expect(response?.body.toString()).not.toContain('hello')
  })

  it('forwards a chunked request body re-chunked, and a Content-Length body with its decoded length', async () => {
    const origin = scope.use(
      await startRawOrigin((r) => r.conn.socket.write('HTTP/1.1 204 No Content\r\n\r\n')),
    )
    const proxy = scope.use(await startReferenceProxy({ mode: 'forward' }))
    const peer = await connectPeer(proxy.port)
    scope.defer(() => {
      peer.socket.destroy()
    })
    peer.socket.write(
      `POST http://${origin.authority}/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Sum: abc\r\n\r\n`,
    )
    must(await peer.waitForResponses(1))
    peer.socket.write(
      `POST http://${origin.authority}/l HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nworld`,
    )
    must(await peer.waitForResponses(2))
    const [chunked, length] = origin.requests
    expect(chunked?.message.framing).toBe('chunked')
    expect(chunked?.message.body.toString()).toBe('hello')
    expect(chunked?.message.trailers.map((f) => f.name)).toEqual(['X-Sum'])
    expect(fieldLines(length!.head, 'content-length')).toEqual(['5'])
    expect(length?.message.body.toString()).toBe('world')
  })
})
