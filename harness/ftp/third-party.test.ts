import { createConnection, createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { connectFtp } from './raw-client.js'
import { startFtpOrigin } from './server.js'
import { startThirdParty } from './third-party.js'

const T = 3000

describe('X, the third party', () => {
  it('logs a connection and sends its banner', async () => {
    await using x = await startThirdParty()
    expect(x.host).toBe('127.0.0.3')
    const socket = createConnection({ host: x.host, port: x.port })
    const banner = await new Promise<string>((resolve) =>
      socket.once('data', (b: Buffer) => resolve(b.toString())),
    )
    expect(banner).toBe('X-BANNER\r\n')
    socket.end('hello')
    const seen = await x.waitForConnection({ timeoutMs: T })
    expect(isTimeout(seen)).toBe(false)
    await new Promise((r) => socket.once('close', r))
    expect(x.connections[0]?.received.toString()).toBe('hello')
  })

  it('connects out and sends FORGED first (active-mode theft)', async () => {
    await using x = await startThirdParty()
    const got: Buffer[] = []
    const victim = createServer((s) => s.on('data', (b: Buffer) => got.push(b)))
    await new Promise<void>((r) => victim.listen(0, '127.0.0.1', () => r()))
    const port = (victim.address() as { port: number }).port
    const out = await x.connectTo(port, { timeoutMs: T })
    expect(out).toMatchObject({ direction: 'out' })
    await x.close()
    await new Promise<void>((r) => victim.close(() => r()))
    expect(Buffer.concat(got).toString()).toBe('FORGED')
  })

  it('a data connection from X to the origin is refused unless dataFrom is anyone', async () => {
    await using origin = await startFtpOrigin()
    await using x = await startThirdParty()
    await using c = await connectFtp(origin.authority, { timeoutMs: T })
    await c.login('anonymous', 'a@b', T)
    const pasv = await c.command('PASV', T)
    if (isTimeout(pasv)) throw new Error('no PASV reply')
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(pasv.lines[0] ?? '')!
    await x.connectTo(Number(m[5]) * 256 + Number(m[6]), { timeoutMs: T })
    const closed = await origin.waitForDataClosed(undefined, { timeoutMs: T })
    expect(closed).toBe(true)
    expect(origin.dataConnections[0]).toMatchObject({
      refused: true,
      peer: { address: '127.0.0.3' },
    })
  })
})
