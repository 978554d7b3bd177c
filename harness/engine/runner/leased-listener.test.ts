import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../../net/deadline.js'
import { Scope } from '../../net/started.js'
import { startEchoServer } from '../../tcp/echo-server.js'
import { connectTestPeer } from '../../tcp/test-peer.js'
import type { TcpEvent } from '../../tcp/types.js'
import { leasedListener } from './leased-listener.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

describe('leasedListener', () => {
  it("shows a case only its own connections, not one another case left open on the pool's listener", async () => {
    const echo = scope.use(await startEchoServer())
    // The earlier holder's connection, still open when the next case leases the listener.
    const otherAccepted = echo.nextConnection(2000)
    const other = await connectTestPeer(echo.port)
    scope.defer(() => other.destroy())
    const otherConn = await otherAccepted
    if (isTimeout(otherConn)) throw new Error('no connection')

    const leased = leasedListener(echo)
    const events: TcpEvent[] = []
    scope.defer(leased.onEvent((event) => events.push(event)))
    const accepted = leased.nextConnection(2000)
    const mine = await connectTestPeer(echo.port)
    scope.defer(() => mine.destroy())
    const conn = await accepted
    if (isTimeout(conn)) throw new Error('no connection')

    other.socket.write('from the other case')
    mine.socket.write('mine')
    expect(isTimeout(await other.waitForBytes(19, 2000))).toBe(false)
    expect(isTimeout(await mine.waitForBytes(4, 2000))).toBe(false)

    expect(echo.connections.map((c) => c.id)).toEqual([otherConn.id, conn.id])
    expect(leased.connections.map((c) => c.id)).toEqual([conn.id])
    expect(new Set(events.map((e) => e.conn))).toEqual(new Set([conn.id]))
    // The pool owns the listener: the case cannot close it.
    await leased.close()
    expect(echo.connections).toHaveLength(2)
  })
})
