import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { startSinkServer } from './sink-server.js'
import { connectTestPeer } from './test-peer.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

describe('startSinkServer', () => {
  it('records what arrives and never answers', async () => {
    const sink = scope.use(await startSinkServer())
    const peer = await connectTestPeer(sink.port)
    scope.defer(() => peer.destroy())
    peer.socket.write('GET / HTTP/1.1\r\n\r\n')
    const record = await sink.waitForBytes('s1', 18, 2000)
    if (isTimeout(record)) throw new Error('bytes not recorded')
    expect(record.received.toString('latin1')).toBe('GET / HTTP/1.1\r\n\r\n')
    expect(sink.connections.map((c) => c.id)).toEqual(['s1'])
    expect(isTimeout(await peer.waitForBytes(1, 100))).toBe(true)
  })

  it('sees the peer half-close and keeps its own half open by default', async () => {
    const sink = scope.use(await startSinkServer())
    const peer = await connectTestPeer(sink.port)
    scope.defer(() => peer.destroy())
    peer.socket.end('last words')
    const record = await sink.waitForPeerEnd('s1', 2000)
    if (isTimeout(record)) throw new Error('FIN not seen')
    expect(record.peerEnded).toBe(true)
    expect(record.closed).toBe(false)
    expect(record.received.toString()).toBe('last words')
    // Our half stays open: the peer gets no FIN until the sink is closed.
    expect(isTimeout(await peer.waitForEnd(150))).toBe(true)
    await sink.close()
    expect(isTimeout(await peer.waitForEnd(2000))).toBe(false)
  })

  it('ends its side after the peer FIN when endAfterPeerEnd is true', async () => {
    const sink = scope.use(await startSinkServer({ endAfterPeerEnd: true }))
    const peer = await connectTestPeer(sink.port)
    scope.defer(() => peer.destroy())
    peer.socket.end()
    expect(isTimeout(await peer.waitForEnd(2000))).toBe(false)
    expect(isTimeout(await peer.waitForClose(2000))).toBe(false)
  })

  it('answers waits with a timeout value when nothing happens, and early when the connection closed', async () => {
    const sink = scope.use(await startSinkServer())
    const none = await sink.nextConnection(50)
    expect(none).toMatchObject({ kind: 'timeout', waitingFor: 'a connection to the sink server' })
    const peer = await connectTestPeer(sink.port)
    peer.socket.write('ab')
    expect(isTimeout(await sink.waitForBytes('s1', 2, 2000))).toBe(false)
    expect(isTimeout(await sink.waitForBytes('s1', 3, 50))).toBe(true)
    peer.socket.resetAndDestroy()
    const closed = await sink.waitForBytes('s1', 3, 2000)
    if (isTimeout(closed)) throw new Error('should answer at close')
    expect(closed.closed).toBe(true)
    expect(closed.received.length).toBe(2)
  })

  it('is driven from its side on cue: writes, FIN, or a reset the peer sees as ECONNRESET', async () => {
    const sink = scope.use(await startSinkServer())
    const first = await connectTestPeer(sink.port)
    scope.defer(() => first.destroy())
    expect(isTimeout(await sink.waitForBytes('s1', 0, 2000))).toBe(false)
    expect(sink.drive('s9')).toBeUndefined()
    sink.drive('s1')?.write(Buffer.from('spoken first'))
    sink.drive('s1')?.end()
    const ended = await first.waitForEnd(2000)
    if (isTimeout(ended)) throw new Error('no FIN from the driven side')
    expect(ended.toString()).toBe('spoken first')
    const second = await connectTestPeer(sink.port)
    scope.defer(() => second.destroy())
    expect(isTimeout(await sink.waitForBytes('s2', 0, 2000))).toBe(false)
    sink.drive('s2')?.reset()
    expect(isTimeout(await second.waitForClose(2000))).toBe(false)
    expect(second.error).toBe('ECONNRESET')
  })
})
