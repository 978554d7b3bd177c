import { describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { connectFtp } from './raw-client.js'
import { startFtpOrigin } from './server.js'
import { startThirdParty } from './third-party.js'

const T = 3000

/** Handles Node holds open (sockets, servers, timers), by kind. */
function resources(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r !== 'TTYWrap' && r !== 'FSReqCallback')
    .sort()
}

describe('close()', () => {
  it('ends every control and data socket, listener and timer it opened', async () => {
    const before = resources()
    const origin = await startFtpOrigin({
      script: {
        RETR: { cutAfter: 1024, cut: 'stall' },
        LIST: { accept: 'never' },
        NOOP: { reply: '200 later', delayMs: 60_000 },
      },
    })
    const x = await startThirdParty()
    const a = await connectFtp(origin.authority, { timeoutMs: T })
    await a.login('anonymous', 'a@b', T)
    const stalled = await a.retrieve('RETR /pub/f.bin', { timeoutMs: 200 })
    expect(!isTimeout(stalled) && stalled.dataEnd).toBe('timeout')
    const b = await connectFtp(origin.authority, { timeoutMs: T })
    await b.login('anonymous', 'a@b', T)
    await b.retrieve('LIST /pub', { timeoutMs: 100 })
    b.send('NOOP')
    await origin.waitForCommand('NOOP', { timeoutMs: T })
    await origin.close()
    await origin.close()
    await x.close()
    await a.close()
    await b.close()
    expect(origin.controls.every((c) => c.closedAt !== undefined)).toBe(true)
    expect(origin.dataConnections.every((d) => d.closedAt !== undefined)).toBe(true)
    expect(origin.controls.map((c) => c.ending)).toEqual(['shutdown', 'shutdown'])
    // libuv finishes closing a handle one loop turn after its close callback ran.
    await new Promise((resolve) => setImmediate(resolve))
    const after = resources()
    const timers = (list: string[]): number => list.filter((r) => r === 'Timeout').length
    // vitest keeps a timer of its own around the test; ours must all be gone.
    expect(timers(after)).toBeLessThanOrEqual(timers(before))
    expect(after.filter((r) => r !== 'Timeout')).toEqual(before.filter((r) => r !== 'Timeout'))
  })
})
