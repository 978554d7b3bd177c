import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { startBannerServer } from './banner-server.js'
import { connectTestPeer } from './test-peer.js'
import type { TcpEvent } from './types.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

describe('startBannerServer', () => {
  it('speaks first: the banner arrives before the client sends anything', async () => {
    const banner = scope.use(await startBannerServer())
    const events: TcpEvent[] = []
    scope.defer(banner.onEvent((event) => events.push(event)))
    const peer = await connectTestPeer(banner.port)
    scope.defer(() => peer.destroy())
    const got = await peer.waitForBytes(18, 2000)
    expect(isTimeout(got) ? got : got.toString('latin1')).toBe('proxyspec-banner\r\n')
    expect(events.map((e) => e.type)).toEqual(['open', 'data'])
    expect(events[1]).toMatchObject({ dir: 'out', conn: 'b1' })
  })

  it('records what the client sends and ends its side after the client FIN', async () => {
    const banner = scope.use(await startBannerServer({ banner: Buffer.from([0x00, 0xff]) }))
    const peer = await connectTestPeer(banner.port)
    scope.defer(() => peer.destroy())
    peer.socket.end('hi')
    const ended = await peer.waitForEnd(2000)
    if (isTimeout(ended)) throw new Error('no FIN')
    expect([...ended]).toEqual([0x00, 0xff])
    expect(banner.connections[0]?.received.toString()).toBe('hi')
  })

  it('closes after the banner when asked, while the client can still write', async () => {
    const banner = scope.use(await startBannerServer({ banner: 'bye\r\n', closeAfterBanner: true }))
    const peer = await connectTestPeer(banner.port)
    scope.defer(() => peer.destroy())
    const ended = await peer.waitForEnd(2000)
    expect(isTimeout(ended) ? ended : ended.toString()).toBe('bye\r\n')
    // Half-closed, not gone: the server still reads what the client sends.
    peer.socket.write('late')
    const record = await banner.waitForBytes('b1', 4, 2000)
    expect(isTimeout(record) ? record : record.received.toString()).toBe('late')
  })
})
