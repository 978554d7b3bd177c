import { afterEach, describe, expect, it } from 'vitest'
import { isTimeout, type TimeoutValue } from '../net/deadline.js'
import { fBinBytes } from './fixtures.js'
import { listingBytes, HOSTILE_LINES } from './listing.js'
import { connectFtp, type RawFtpClient } from './raw-client.js'
import { startFtpOrigin } from './server.js'
import type { FtpScript } from './script-types.js'
import type { FtpOrigin } from './types.js'

const T = 3000
let origin: FtpOrigin | undefined
const clients: RawFtpClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await origin?.close()
  origin = undefined
})

function ok<T>(value: T | TimeoutValue): T {
  if (isTimeout(value)) throw new Error(`timed out: ${value.waitingFor}`)
  return value
}

async function scripted(script: FtpScript): Promise<RawFtpClient> {
  origin = await startFtpOrigin({ script })
  const c = await connectFtp(origin.authority, { timeoutMs: T })
  clients.push(c)
  return c
}

async function loggedIn(script: FtpScript): Promise<RawFtpClient> {
  const c = await scripted(script)
  expect(ok(await c.login('anonymous', 'x@y.test', T)).code).toBe('230')
  return c
}

describe('scripted replies', () => {
  it('a 120 then 220 after a delay, and a multi-line 220 with digit-led inner lines', async () => {
    const c = await scripted({
      greeting: [
        { reply: '120 wait a moment' },
        { reply: '220-Welcome\n 230 not a reply\n530-also not\n220 ready', delayMs: 50 },
      ],
    })
    const first = ok(await c.reply(T))
    expect(first.code).toBe('120')
    const second = ok(await c.reply(T))
    const [r120, r220] = origin!.replies
    expect(r220!.at - r120!.at).toBeGreaterThanOrEqual(45)
    expect(second.lines).toEqual(['220-Welcome', ' 230 not a reply', '530-also not', '220 ready'])
  })

  it('sends a reply one byte per segment, and a handler decides per call', async () => {
    const c = await scripted({
      USER: { reply: '331 give password', segment: 1 },
      PASS: (ctx) => (ctx.nth === 1 ? '530 first try fails' : undefined),
    })
    await c.reply(T)
    expect(ok(await c.command('USER anonymous', T)).code).toBe('331')
    expect(ok(await c.command('PASS a', T)).code).toBe('530')
    expect(ok(await c.command('PASS a', T)).code).toBe('230')
    expect(origin!.replies.filter((r) => r.code === '331')).toHaveLength(1)
  })

  it('a 230 straight after USER logs in; a scripted 421 closes; no reply is no reply', async () => {
    const c = await scripted({
      USER: '230 welcome',
      PWD: null,
      CWD: { reply: '421 bye', after: 'close' },
    })
    await c.reply(T)
    expect(ok(await c.command('USER bob', T)).code).toBe('230')
    c.send('PWD')
    expect(ok(await c.command('CWD pub', T)).code).toBe('421')
    ok(await origin!.waitForControlClose('f1', { timeoutMs: T }))
    expect(origin!.controls[0]).toMatchObject({
      user: 'bob',
      loggedIn: true,
      endedBy: 'origin',
      ending: 'fin',
    })
  })

  it('resets the control connection on cue', async () => {
    const c = await loggedIn({ RETR: { reply: '', after: 'rst' } })
    c.send('RETR /pub/f.bin')
    ok(await origin!.waitForControlClose('f1', { timeoutMs: T }))
    expect(origin!.controls[0]?.ending).toBe('rst')
  })

  it('adds the scripted latency to every reply', async () => {
    const c = await loggedIn({ latencyMs: 30 })
    const started = performance.now()
    await c.command('NOOP', T)
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
  })
})

describe('scripted data behaviour', () => {
  it('cuts after N bytes with a FIN, then a scripted 426', async () => {
    const c = await loggedIn({ RETR: { cutAfter: 1000, then: '426 cut' } })
    await c.command('TYPE I', T)
    const got = ok(await c.retrieve('RETR /pub/f.bin', { timeoutMs: T }))
    expect(got.data).toEqual(fBinBytes().subarray(0, 1000))
    expect(got.dataEnd).toBe('fin')
    expect(ok(got.final).code).toBe('426')
    ok(await origin!.waitForDataClosed(undefined, { timeoutMs: T }))
    expect(origin!.dataConnections[0]).toMatchObject({
      sent: 1000,
      endedBy: 'origin',
      ending: 'fin',
    })
  })

  it('cuts with a RST and sends no final reply', async () => {
    const c = await loggedIn({
      SIZE: '213 5000',
      RETR: { data: Buffer.alloc(5000, 0x61), cutAfter: 1000, cut: 'rst', then: null },
    })
    expect(ok(await c.command('SIZE /pub/f.bin', T)).lines[0]).toBe('213 5000')
    const got = ok(await c.retrieve('RETR /pub/f.bin', { timeoutMs: 500 }))
    expect(got.dataEnd).toBe('rst')
    expect(got.data.length).toBeLessThanOrEqual(1000)
    expect(isTimeout(got.final)).toBe(true)
    expect(origin!.dataConnections[0]?.ending).toBe('rst')
  })

  it('serves scripted listing lines (no name, no newline at the end)', async () => {
    const lines = [HOSTILE_LINES.file('<img src=x onerror=m4>.txt'), HOSTILE_LINES.noName()]
    const c = await loggedIn({ LIST: { data: listingBytes(lines, true) } })
    const got = ok(await c.retrieve('LIST /pub', { timeoutMs: T }))
    expect(got.data.toString('latin1')).toMatch(/m4>\.txt\r\n-rw-r--r-- 1 u g 5 Jan 01 {2}2020$/)
  })

  it('stalls after N bytes until ABOR, then 426 and 226', async () => {
    const c = await loggedIn({ RETR: { cutAfter: 10 * 1024, cut: 'stall' } })
    await c.command('TYPE I', T)
    const pasv = ok(await c.command('PASV', T))
    expect(pasv.code).toBe('227')
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(pasv.lines[0] ?? '')!
    const { createConnection } = await import('node:net')
    const data = createConnection({ host: '127.0.0.1', port: Number(m[5]) * 256 + Number(m[6]) })
    let received = 0
    data.on('data', (b: Buffer) => (received += b.length))
    data.on('error', () => undefined)
    c.send('RETR /pub/f.bin')
    expect(ok(await c.reply(T)).code).toBe('150')
    c.send('ABOR')
    expect(ok(await c.reply(T)).code).toBe('426')
    expect(ok(await c.reply(T)).code).toBe('226')
    ok(await origin!.waitForDataClosed(undefined, { timeoutMs: T }))
    expect(origin!.dataConnections[0]?.sent).toBe(10 * 1024)
    data.destroy()
    expect(received).toBeLessThanOrEqual(10 * 1024)
  })

  it('150 then nothing when the data connection is never taken', async () => {
    const c = await loggedIn({ RETR: { accept: 'never' } })
    const got = ok(await c.retrieve('RETR /pub/f.bin', { timeoutMs: 300 }))
    expect(ok(got.preliminary).code).toBe('150')
    expect(got.dataEnd).toBe('timeout')
    expect(origin!.dataConnections[0]?.sent).toBe(0)
  })

  it('announces any loopback address in 227 and malformed 229s', async () => {
    const c = await loggedIn({
      PASV: { announceHost: '127.0.0.3', announcePort: 4242, listen: false },
      EPSV: '229 Entering Extended Passive Mode (!!!0!)',
    })
    expect(ok(await c.command('PASV', T)).lines[0]).toBe(
      '227 Entering Passive Mode (127,0,0,3,16,146).',
    )
    expect(ok(await c.command('EPSV', T)).lines[0]).toContain('(!!!0!)')
  })

  it('EPSV ALL refuses PASV and PORT afterwards', async () => {
    const c = await loggedIn({})
    expect(ok(await c.command('EPSV ALL', T)).code).toBe('200')
    expect(ok(await c.command('PASV', T)).code).toBe('503')
    expect(ok(await c.command('PORT 127,0,0,1,4,1', T)).code).toBe('503')
  })

  it('REST acknowledged and ignored serves from byte 0', async () => {
    const c = await loggedIn({ REST: '350 sure' })
    await c.command('TYPE I', T)
    await c.command('REST 1000', T)
    const got = ok(await c.retrieve('RETR /pub/t.txt', { timeoutMs: T }))
    expect(got.data.toString()).toMatch(/^line one/)
  })

  it('PORT connects back to the client (active mode) and records it', async () => {
    const c = await loggedIn({})
    const { createServer } = await import('node:net')
    const received: Buffer[] = []
    const listener = createServer((s) => s.on('data', (b: Buffer) => received.push(b)))
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()))
    const port = (listener.address() as { port: number }).port
    expect(ok(await c.command(`PORT 127,0,0,1,${port >> 8},${port & 255}`, T)).code).toBe('200')
    c.send('RETR /pub/t.txt')
    expect(ok(await c.reply(T)).code).toBe('150')
    expect(ok(await c.reply(T)).code).toBe('226')
    ok(await origin!.waitForDataClosed(undefined, { timeoutMs: T }))
    expect(origin!.dataConnections[0]?.kind).toBe('active')
    expect(ok(await c.command('PORT 10,0,0,1,4,1', T)).code).toBe('501')
    await new Promise<void>((r) => listener.close(() => r()))
  })
})

describe('telnet mode', () => {
  it('undoubles IAC IAC, drops IAC commands, and keeps the raw bytes', async () => {
    const c = await loggedIn({ telnet: true })
    c.write(Buffer.from([...Buffer.from('SIZE /pub/p'), 0xff, 0xff, ...Buffer.from('q.bin\r\n')]))
    expect(ok(await c.reply(T)).code).toBe('213')
    c.write(
      Buffer.from([...Buffer.from('SIZE x'), 0xff, 0xf4, 0xff, 0xf2, ...Buffer.from('y\r\n')]),
    )
    await c.reply(T)
    const sizes = origin!.commandsOf('SIZE')
    expect(sizes[0]?.arg).toBe('/pub/p\xffq.bin')
    expect(sizes[0]?.raw).toEqual(
      Buffer.from([...Buffer.from('SIZE /pub/p'), 0xff, 0xff, ...Buffer.from('q.bin\r\n')]),
    )
    expect(sizes[1]).toMatchObject({ arg: 'xy', telnet: [0xf4, 0xf2] })
    expect(origin!.transcript()).toContain('SIZE /pub/p\\xFF\\xFFq.bin\\r\\n')
  })
})
