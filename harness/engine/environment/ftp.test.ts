import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'
import { connectFtp } from '../../ftp/raw-client.js'
import { isTimeout } from '../../net/deadline.js'
import { Scope } from '../../net/started.js'
import { startCaseFtp, startRunFtp } from './ftp.js'
import { startRunEnvironment } from './start-environment.js'

/** Whether something accepts a TCP connection at host:port. */
function listens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    let connected = false
    socket.once('connect', () => {
      connected = true
      socket.destroy()
    })
    socket.once('error', () => socket.destroy())
    // Resolved once the probe's own handle is gone, so it is never counted as left over.
    socket.once('close', () => resolve(connected))
  })
}

/**
 * Listening servers and sockets Node holds open. Node drops a closed handle
 * from this table one turn of the event loop after its close callback.
 */
async function handles(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve))
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length
}

describe('the FTP part of a run (ftp-gateway role)', () => {
  it('starts only when asked, and stops with the run, leaving no handle', async () => {
    const before = await handles()
    const scope = new Scope()
    expect((await startRunEnvironment(scope)).ftp).toBeUndefined()
    await scope.close()
    for (const mode of ['forward', 'reverse'] as const) {
      const run = new Scope()
      const env = await startRunEnvironment(run, { ftp: { mode, timeoutS: 7 } })
      const ftp = env.ftp
      if (ftp === undefined) throw new Error('no FTP part')
      expect(ftp).toMatchObject({ mode, timeoutS: 7 })
      expect(ftp.origin.host).toBe('127.0.0.1')
      expect(ftp.base).toBe(`ftp://127.0.0.1:${ftp.origin.port}/pub/`)
      const cases = new Scope()
      await startCaseFtp(ftp, cases)
      expect(await listens(ftp.origin.host, ftp.origin.port)).toBe(true)
      await cases.close()
      await run.close()
      expect(await listens(ftp.origin.host, ftp.origin.port)).toBe(false)
    }
    expect(await handles()).toBe(before)
  })

  it('forward mode: each case has an origin of its own, gone when the case ends', async () => {
    await using run = new Scope()
    const ftp = await startRunFtp(run, { mode: 'forward' })
    const one = new Scope()
    const two = new Scope()
    const a = await startCaseFtp(ftp, one)
    const b = await startCaseFtp(ftp, two)
    expect(new Set([a.origin.port, b.origin.port, ftp.origin.port]).size).toBe(3)
    await one.close()
    expect(await listens(a.origin.host, a.origin.port)).toBe(false)
    expect(await listens(b.origin.host, b.origin.port)).toBe(true)
    expect(await listens(ftp.origin.host, ftp.origin.port)).toBe(true)
    await two.close()
  })

  it('reverse mode: {ftp_origin} leads to the origin of the case holding it, one case at a time', async () => {
    await using run = new Scope()
    const ftp = await startRunFtp(run, { mode: 'reverse' })
    const first = new Scope()
    const a = await startCaseFtp(ftp, first)
    a.origin.script({ greeting: '220 case-a' })
    const second = new Scope()
    let bHas = false
    const b = startCaseFtp(ftp, second).then((got) => {
      bHas = true
      return got
    })
    // A login through {ftp_origin} reaches the first case's origin, and only it.
    const client = await connectFtp(ftp.origin.authority, { timeoutMs: 2000 })
    const greeting = await client.reply(2000)
    expect(isTimeout(greeting) ? greeting : greeting.lines).toEqual(['220 case-a'])
    await client.close()
    expect(a.origin.controls).toHaveLength(1)
    expect(bHas).toBe(false)
    await first.close()
    const next = await b
    expect(next.origin.port).not.toBe(a.origin.port)
    await second.close()
    // Back to the run's idle origin.
    const later = await connectFtp(ftp.origin.authority, { timeoutMs: 2000 })
    const idle = await later.reply(2000)
    expect(isTimeout(idle) ? idle : idle.code).toBe('220')
    await later.close()
    expect(ftp.idle.controls).toHaveLength(1)
  })
})
