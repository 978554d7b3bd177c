import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../../net/deadline.js'
import { isHarnessError } from '../../net/errors.js'
import { Scope } from '../../net/started.js'
import { connectTestPeer } from '../../tcp/test-peer.js'
import { startBlindRelay } from './blind-relay.js'
import { startTestOrigin, testOriginResponse } from '../../relay/test-origin.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

const get = (target: string, fields: string): string =>
  `GET ${target} HTTP/1.0\r\nHost: origin.test\r\n${fields}\r\n`

describe('startBlindRelay', () => {
  it('hangs a keep-alive HTTP/1.0 client: the second request on the connection gets no answer', async () => {
    const origin = scope.use(await startTestOrigin())
    const relay = scope.use(await startBlindRelay({ mode: 'forward' }))
    expect(relay.url).toBe(`http://127.0.0.1:${relay.port}`)
    const peer = await connectTestPeer(relay.port)
    scope.defer(() => peer.destroy())
    const first = get(
      `http://127.0.0.1:${origin.port}/first`,
      'Connection: keep-alive\r\nKeep-Alive: timeout=60\r\n',
    )
    peer.socket.write(first)
    const response = testOriginResponse(true)
    const got = await peer.waitForBytes(response.length, 2000)
    expect(isTimeout(got) ? got : got.toString('latin1')).toBe(response)
    // The origin saw the request byte for byte: keep-alive, Keep-Alive and absolute-form all passed on.
    expect(origin.requests.map((r) => r.bytes.toString('latin1'))).toEqual([first])
    // The client believes the keep-alive and reuses the connection; the relay is not listening.
    peer.socket.write(get(`http://127.0.0.1:${origin.port}/second`, 'Connection: keep-alive\r\n'))
    expect(isTimeout(await peer.waitForBytes(response.length + 1, 300))).toBe(true)
    expect(origin.requests).toHaveLength(1)
    expect(peer.ended).toBe(false)
  })

  it('completes a Connection: close exchange and closes the client after the server closes', async () => {
    const origin = scope.use(await startTestOrigin())
    const relay = scope.use(await startBlindRelay({ mode: 'forward' }))
    const peer = await connectTestPeer(relay.port)
    scope.defer(() => peer.destroy())
    peer.socket.write(get(`http://localhost:${origin.port}/only`, 'Connection: close\r\n'))
    const all = await peer.waitForEnd(2000)
    expect(isTimeout(all) ? all : all.toString('latin1')).toBe(testOriginResponse(false))
    expect(origin.requests).toHaveLength(1)
  })

  it('forwards the first request and its Content-Length body unchanged, and nothing after it', async () => {
    const origin = scope.use(await startTestOrigin())
    const relay = scope.use(
      await startBlindRelay({
        mode: 'reverse',
        upstream: { host: 'localhost', port: origin.port },
      }),
    )
    const peer = await connectTestPeer(relay.port)
    scope.defer(() => peer.destroy())
    const post =
      'POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello'
    // Body split across segments, then a pipelined second request in the last one.
    const headLength = post.indexOf('hello')
    peer.socket.write(post.slice(0, headLength))
    // The head went through on its own, so the body really arrives in a later segment.
    expect(await origin.waitForBytes(headLength, 2000)).toBe(headLength)
    peer.socket.write(`${post.slice(headLength)}GET /next HTTP/1.1\r\nHost: x\r\n\r\n`)
    const seen = await origin.waitForRequests(1, 2000)
    if (isTimeout(seen)) throw new Error('the origin got nothing')
    expect(seen[0]?.bytes.toString('latin1')).toBe(post)
    await peer.waitForBytes(testOriginResponse(true).length, 2000)
    expect(origin.requests).toHaveLength(1)
  })

  it('closes the connection for a target it must not dial: not loopback, or not http absolute-form', async () => {
    const relay = scope.use(await startBlindRelay({ mode: 'forward' }))
    for (const target of [
      'http://example.com/',
      'http://10.0.0.1:8080/',
      '/origin-form',
      'https://127.0.0.1/',
    ]) {
      const peer = await connectTestPeer(relay.port)
      scope.defer(() => peer.destroy())
      peer.socket.write(get(target, ''))
      const ended = await peer.waitForEnd(2000)
      expect(isTimeout(ended) ? ended : ended.length).toBe(0)
    }
  })

  it('rejects a reverse relay without a loopback upstream', async () => {
    await expect(startBlindRelay({ mode: 'reverse' })).rejects.toSatisfy((e) =>
      isHarnessError(e, 'HARNESS_BAD_INPUT'),
    )
    await expect(
      startBlindRelay({ mode: 'reverse', upstream: { host: '192.0.2.1', port: 80 } }),
    ).rejects.toSatisfy((e) => isHarnessError(e, 'HARNESS_NOT_LOOPBACK'))
  })

  it('destroys hung connections on close', async () => {
    const origin = scope.use(await startTestOrigin())
    const relay = await startBlindRelay({ mode: 'forward' })
    const peer = await connectTestPeer(relay.port)
    scope.defer(() => peer.destroy())
    peer.socket.write(get(`http://127.0.0.1:${origin.port}/`, 'Connection: keep-alive\r\n'))
    await peer.waitForBytes(testOriginResponse(true).length, 2000)
    await relay.close()
    expect(isTimeout(await peer.waitForEnd(2000))).toBe(false)
  })
})
