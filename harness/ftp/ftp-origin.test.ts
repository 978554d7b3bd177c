import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { isTimeout, type TimeoutValue } from '../net/deadline.js'
import { connectFtp, type FtpReply, type RawFtpClient } from './raw-client.js'
import { fBinBytes, F_BIN_TAIL, T_TXT } from './fixtures.js'
import { startFtpOrigin } from './server.js'
import type { FtpOrigin } from './types.js'

const T = 3000
let origin: FtpOrigin | undefined
let client: RawFtpClient | undefined

afterEach(async () => {
  await client?.close()
  await origin?.close()
  client = undefined
  origin = undefined
})

function ok<T>(value: T | TimeoutValue): T {
  if (isTimeout(value)) throw new Error(`timed out: ${value.waitingFor}`)
  return value
}

async function loggedIn(user = 'anonymous', pass = 'a@b.test'): Promise<RawFtpClient> {
  origin ??= await startFtpOrigin()
  client = await connectFtp(origin.authority, { timeoutMs: T })
  const r = ok(await client.login(user, pass, T))
  expect(r.code).toBe('230')
  return client
}

const code = async (p: Promise<FtpReply | TimeoutValue>): Promise<string> => {
  const r = await p
  return isTimeout(r) ? 'timeout' : r.code
}

describe('the FTP origin, default behaviour', () => {
  it('logs in anonymously and as alice; refuses a wrong password', async () => {
    await loggedIn()
    const c2 = await connectFtp(origin!.authority, { timeoutMs: T })
    expect(ok(await c2.login('alice', 'S3cretPW', T)).code).toBe('230')
    await c2.close()
    const c3 = await connectFtp(origin!.authority, { timeoutMs: T })
    expect(ok(await c3.login('alice', 'wrong', T)).code).toBe('530')
    expect(await code(c3.command('RETR /pub/f.bin', T))).toBe('530')
    await c3.close()
    expect(origin!.controls.map((c) => c.user)).toEqual(['anonymous', 'alice', 'alice'])
    expect(origin!.controls.map((c) => c.loggedIn)).toEqual([true, true, false])
  })

  it('walks with CWD/CDUP/PWD per connection and hides home from anonymous', async () => {
    const c = await loggedIn()
    expect(await code(c.command('CWD pub', T))).toBe('250')
    expect(ok(await c.command('PWD', T)).lines[0]).toBe('257 "/pub" is the current directory')
    expect(await code(c.command('CWD /home', T))).toBe('550')
    expect(await code(c.command('CDUP', T))).toBe('250')
    expect(await code(c.command('SIZE home/secret.txt', T))).toBe('550')
    expect(origin!.controls[0]?.cwd).toBe('/')
  })

  it('serves f.bin byte-exact over PASV and EPSV under TYPE I', async () => {
    const c = await loggedIn()
    expect(await code(c.command('TYPE I', T))).toBe('200')
    expect(ok(await c.command('SIZE /pub/f.bin', T)).lines[0]).toBe('213 1048586')
    for (const passive of ['pasv', 'epsv'] as const) {
      const got = ok(await c.retrieve('RETR /pub/f.bin', { timeoutMs: T, passive }))
      expect(got.data.length).toBe(1048586)
      expect(got.data.subarray(-10)).toEqual(F_BIN_TAIL)
      expect(createHash('sha256').update(got.data).digest('hex')).toBe(
        createHash('sha256').update(fBinBytes()).digest('hex'),
      )
      expect(ok(got.final).code).toBe('226')
    }
    ok(await origin!.waitForDataClosed(undefined, { timeoutMs: T }))
    expect(origin!.dataConnections.map((d) => [d.kind, d.sent, d.refused])).toEqual([
      ['pasv', 1048586, false],
      ['epsv', 1048586, false],
    ])
  })

  it('converts LF to CRLF under TYPE A, and SIZE follows the type', async () => {
    const c = await loggedIn()
    await c.command('TYPE A', T)
    const crlf = T_TXT.replace(/\n/g, '\r\n')
    expect(ok(await c.command('SIZE /pub/t.txt', T)).lines[0]).toBe(`213 ${crlf.length}`)
    const got = ok(await c.retrieve('RETR /pub/t.txt', { timeoutMs: T }))
    expect(got.data.toString('latin1')).toBe(crlf)
    await c.command('TYPE I', T)
    expect(ok(await c.command('SIZE /pub/t.txt', T)).lines[0]).toBe(`213 ${T_TXT.length}`)
  })

  it('lists pub in ls -l form with the hostile names, and NLST', async () => {
    const c = await loggedIn()
    const list = ok(await c.retrieve('LIST /pub', { timeoutMs: T }))
    const text = list.data.toString('latin1')
    expect(text).toMatch(/^-rw-r--r-- 1 ftp ftp {2}1048586 Jan 02 {2}2020 f\.bin\r$/m)
    expect(text).toMatch(/^drwxr-xr-x .* d\r$/m)
    for (const name of ['a b.txt', 'c#d.txt', 'e?f.txt', 'g%h.txt', 'i;type=d', 'p\xffq.bin'])
      expect(text).toContain(` ${name}\r\n`)
    const nlst = ok(await c.retrieve('NLST /pub/d', { timeoutMs: T }))
    expect(nlst.data.toString('latin1')).toBe('inside.txt\r\n')
  })

  it('answers MDTM, REST, MODE, STRU, FEAT, SYST and 502 for unknown verbs', async () => {
    const c = await loggedIn()
    expect(ok(await c.command('MDTM /pub/f.bin', T)).lines[0]).toBe('213 20200102030405')
    expect(await code(c.command('MODE S', T))).toBe('200')
    expect(await code(c.command('STRU F', T))).toBe('200')
    expect(await code(c.command('MODE B', T))).toBe('504')
    expect(ok(await c.command('FEAT', T)).lines.at(-1)).toBe('211 End')
    expect(await code(c.command('SYST', T))).toBe('215')
    expect(await code(c.command('XYZZY', T))).toBe('502')
    await c.command('TYPE I', T)
    expect(await code(c.command('REST 1048576', T))).toBe('350')
    const got = ok(await c.retrieve('RETR /pub/f.bin', { timeoutMs: T }))
    expect(got.data).toEqual(F_BIN_TAIL)
  })

  it('records STOR and DELE, and connects back for PORT', async () => {
    const c = await loggedIn()
    expect(await code(c.command('DELE /pub/a b.txt', T))).toBe('250')
    expect(await code(c.command('DELE /pub/nothing', T))).toBe('550')
    expect(origin!.commandsOf('DELE').map((d) => d.arg)).toEqual(['/pub/a b.txt', '/pub/nothing'])
  })

  it('records raw bytes, commands and a readable transcript', async () => {
    const c = await loggedIn()
    c.write('NOOP\r\nCWD a\rb\r\n')
    expect(await code(c.reply(T))).toBe('200')
    expect(await code(c.reply(T))).toBe('550')
    const cwd = ok(await origin!.waitForCommand('CWD', { timeoutMs: T }))
    expect(cwd.raw).toEqual(Buffer.from('CWD a\rb\r\n'))
    expect(cwd.arg).toBe('a\rb')
    expect(origin!.controls[0]?.received.toString('latin1')).toContain('NOOP\r\nCWD a\rb\r\n')
    const text = origin!.transcript()
    expect(text).toMatch(/f1 {3}C→FO CWD a\\rb\\r\\n/)
    expect(text).toMatch(/f1 {3}FO→C 220 proxyspec FTP origin ready\\r\\n/)
    await c.command('QUIT', T)
    ok(await origin!.waitForQuit('f1', { timeoutMs: T }))
    expect(ok(await origin!.waitForControlClose('f1', { timeoutMs: T })).endedBy).toBe('origin')
    ok(await origin!.idle({ timeoutMs: T }))
  })
})
