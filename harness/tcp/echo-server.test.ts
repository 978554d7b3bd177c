import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { startEchoServer } from './echo-server.js'
import { connectTestPeer } from './test-peer.js'
import type { TcpEvent } from './types.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

describe('startEchoServer', () => {
  it('writes every byte back in order and records what it received', async () => {
    const echo = scope.use(await startEchoServer())
    expect(echo.kind).toBe('echo')
    expect(echo.authority).toBe(`127.0.0.1:${echo.port}`)
    const accepted = echo.nextConnection(2000)
    const peer = await connectTestPeer(echo.port)
    scope.defer(() => peer.destroy())
    const conn = await accepted
    if (isTimeout(conn)) throw new Error('no connection')
    expect(conn.id).toBe('e1')
    const payload = randomBytes(256 * 1024)
    peer.socket.write(payload)
    const back = await peer.waitForBytes(payload.length, 2000)
    if (isTimeout(back)) throw new Error('no echo')
    expect(back.equals(payload)).toBe(true)
    const recorded = await echo.waitForBytes(conn.id, payload.length, 2000)
    expect(isTimeout(recorded) ? recorded : recorded.received.equals(payload)).toBe(true)
  })

  it('ends its side after the peer half-closes, only after echoing everything', async () => {
    const echo = scope.use(await startEchoServer())
    const peer = await connectTestPeer(echo.port)
    scope.defer(() => peer.destroy())
    const payload = randomBytes(64 * 1024)
    peer.socket.end(payload)
    const ended = await echo.waitForPeerEnd('e1', 2000)
    if (isTimeout(ended)) throw new Error('no peer end seen')
    expect(ended.peerEnded).toBe(true)
    const all = await peer.waitForEnd(2000)
    if (isTimeout(all)) throw new Error('no FIN from the echo server')
    expect(all.equals(payload)).toBe(true)
  })

  it('keeps its half open after the peer FIN when endAfterPeerEnd is false', async () => {
    const echo = scope.use(await startEchoServer({ endAfterPeerEnd: false }))
    const peer = await connectTestPeer(echo.port)
    scope.defer(() => peer.destroy())
    peer.socket.end('abc')
    const ended = await echo.waitForPeerEnd('e1', 2000)
    expect(isTimeout(ended) ? 'timeout' : ended.closed).toBe(false)
    expect(await peer.waitForBytes(3, 2000)).toEqual(Buffer.from('abc'))
    // The failure path: silence is the expected outcome here.
    expect(isTimeout(await peer.waitForEnd(150))).toBe(true)
  })

  it('tells listeners every connection event, in order', async () => {
    const echo = scope.use(await startEchoServer())
    const events: TcpEvent[] = []
    const untap = echo.onEvent((event) => events.push(event))
    const peer = await connectTestPeer(echo.port)
    scope.defer(() => peer.destroy())
    peer.socket.write('ping')
    await peer.waitForBytes(4, 2000)
    peer.socket.end()
    await peer.waitForClose(2000)
    untap()
    const summary = events.map((e) => `${e.type}${'dir' in e ? `:${e.dir}` : ''}`)
    expect(summary.slice(0, 5)).toEqual(['open', 'data:in', 'data:out', 'end:in', 'end:out'])
  })

  it('records a reset from the peer as an error', async () => {
    const echo = scope.use(await startEchoServer())
    const peer = await connectTestPeer(echo.port)
    peer.socket.write('x')
    await echo.waitForBytes('e1', 1, 2000)
    const closes: TcpEvent[] = []
    echo.onEvent((event) => event.type === 'close' && closes.push(event))
    peer.socket.resetAndDestroy()
    const record = await echo.waitForPeerEnd('e1', 2000)
    if (isTimeout(record)) throw new Error('reset not seen')
    expect(record.closed).toBe(true)
    expect(record.error).toBe('ECONNRESET')
    expect(closes).toEqual([{ type: 'close', conn: 'e1', error: 'ECONNRESET' }])
  })

  it('destroys live connections on close, and close is idempotent', async () => {
    const echo = await startEchoServer()
    const accepted = echo.nextConnection(2000)
    const peer = await connectTestPeer(echo.port)
    expect(isTimeout(await accepted)).toBe(false)
    await Promise.all([echo.close(), echo.close()])
    // The server's side goes away: the peer sees its FIN.
    expect(isTimeout(await peer.waitForEnd(2000))).toBe(false)
    peer.destroy()
    await echo.close()
  })
})
