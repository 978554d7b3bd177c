import { describe, expect, it } from 'vitest'
import {
  byteRange,
  commandPlan,
  contentLengthFrom,
  dataAddress,
  decodeUserinfo,
  lastModifiedFrom,
  passiveOffer,
  passiveOrder,
  readReply,
  replyStatus,
  restartAccepted,
  sendsContent,
  telnetEscape,
} from './decisions.js'
import { parseFtpUrl } from './ftp-url.js'
import type { FtpUrl } from './types.js'

const reply = (line: string): { code: number; lines: string[] } => ({
  code: Number(line.slice(0, 3)),
  lines: [line],
})
const url = (target: string): FtpUrl => {
  const parsed = parseFtpUrl(target)
  if (typeof parsed === 'string') throw new Error(parsed)
  return parsed
}

describe('the FTP gateway steps', () => {
  it('readReply ends a multi-line reply only at its own code and a space (RFC 959 §4.2)', () => {
    const bytes = Buffer.from(
      '220-Welcome\r\n 230 not a reply\r\n530-also not\r\n220 ready\r\n331 next\r\n',
    )
    const read = readReply(bytes)
    expect(read !== undefined && 'reply' in read && read.reply.code).toBe(220)
    expect(read !== undefined && 'reply' in read && read.reply.lines).toHaveLength(4)
    // One byte at a time: nothing until the last line is whole.
    for (let n = 1; n < 47; n += 1) expect(readReply(bytes.subarray(0, n))).toBeUndefined()
    expect(readReply(Buffer.from('garbage\r\n'))).toHaveProperty('problem')
  })

  it('commandPlan decodes each segment once and keeps an encoded slash inside it (RFC 1738 §3.2.2)', () => {
    const plan = commandPlan(url('ftp://h/pub/a%2Fb/%2541.bin'), undefined)
    expect(typeof plan !== 'string' && plan.cwd.map(String)).toEqual(['pub', 'a/b'])
    expect(typeof plan !== 'string' && String(plan.name)).toBe('%41.bin')
    const listing = commandPlan(url('ftp://h/pub;type=d'), 'd')
    expect(typeof listing !== 'string' && listing.name).toBeUndefined()
  })

  it('decodeUserinfo decodes %40 and %3A, and takes Basic when the URL has no password', () => {
    const login = decodeUserinfo('a%40b.test:p%3Ass', undefined)
    expect(typeof login !== 'string' && [String(login.user), String(login.password)]).toEqual([
      'a@b.test',
      'p:ss',
    ])
    const basic = decodeUserinfo('alice', `Basic ${Buffer.from('alice:pw').toString('base64')}`)
    expect(typeof basic !== 'string' && basic.source).toBe('basic')
    const bob = decodeUserinfo('bob', undefined)
    expect(typeof bob !== 'string' && bob.password).toBeUndefined()
  })

  it('takes SIZE only under TYPE I and MDTM as UTC, never in the future', () => {
    expect(contentLengthFrom(reply('213 5000'), 'I')).toBe(5000)
    expect(contentLengthFrom(reply('213 5000'), 'A')).toBeUndefined()
    expect(contentLengthFrom(reply('213 12abc'), 'I')).toBeUndefined()
    const now = new Date(Date.UTC(2026, 0, 1))
    expect(lastModifiedFrom(reply('213 20200102030405.123'), now)?.toUTCString()).toBe(
      'Thu, 02 Jan 2020 03:04:05 GMT',
    )
    expect(lastModifiedFrom(reply('213 20991231235959'), now)?.getTime()).toBe(now.getTime())
    expect(lastModifiedFrom(reply('213 2020'), now)).toBeUndefined()
  })

  it('opens data connections to the control peer only, on ports from 1024', () => {
    const offer = passiveOffer('PASV', reply('227 Entering Passive Mode (127,0,0,3,200,10)'))
    expect(typeof offer !== 'string' && dataAddress(offer, '127.0.0.1')).toEqual({
      host: '127.0.0.1',
      port: 51210,
    })
    expect(dataAddress({ command: 'PASV', port: 25 }, '127.0.0.1')).toMatch(/port 25/)
    expect(passiveOffer('EPSV', reply('229 ok (!!!0!)'))).toEqual({ command: 'EPSV', port: 0 })
    expect(passiveOffer('EPSV', reply('229 ok (|||70000|)'))).toEqual({
      command: 'EPSV',
      port: 70000,
    })
    expect(passiveOffer('PASV', reply('227 (127,0,0,1,300,1)'))).toMatch(/above 255/)
    expect(passiveOrder({ command: 'EPSV', reply: reply('522 use (1)') })).toBe('PASV')
    expect(passiveOrder({ command: 'PASV', reply: reply('500 no') })).toBeUndefined()
  })

  it('maps replies to statuses and doubles 0xFF', () => {
    const anonymous = {
      user: Buffer.from('anonymous'),
      password: Buffer.from('x'),
      source: 'anonymous' as const,
    }
    const inUrl = { ...anonymous, source: 'url' as const }
    const failure = (line: string) => ({
      kind: 'reply' as const,
      command: 'RETR',
      reply: reply(line),
    })
    expect(replyStatus(failure('550 no'), anonymous).status).toBe(404)
    expect(replyStatus(failure('530 no'), anonymous)).toMatchObject({
      status: 401,
      headers: [expect.stringMatching(/^WWW-Authenticate: Basic/)],
    })
    expect(replyStatus(failure('530 no'), inUrl).status).toBe(403)
    expect(replyStatus(failure('421 bye'), anonymous).status).toBe(503)
    expect(replyStatus(failure('425 no data'), anonymous).status).toBe(502)
    expect(replyStatus({ kind: 'timeout', during: 'RETR' }, anonymous).status).toBe(504)
    expect([...telnetEscape(Buffer.from([0x70, 0xff, 0x71]))]).toEqual([0x70, 0xff, 0xff, 0x71])
  })

  it('byteRange serves one satisfiable range of a known size, REST only after 350 (RFC 9110 §14.2, RFC 3659 §5.3)', () => {
    expect(byteRange('bytes=1000-1999', 5000)).toEqual({ first: 1000, last: 1999, size: 5000 })
    expect(byteRange('bytes=3000-', 5000)).toEqual({ first: 3000, last: 4999, size: 5000 })
    expect(byteRange('bytes=-100', 5000)).toEqual({ first: 4900, last: 4999, size: 5000 })
    expect(byteRange('bytes=4000-9999', 5000)).toEqual({ first: 4000, last: 4999, size: 5000 })
    for (const ignored of ['bytes=0-0,5-9', 'bytes=6000-', 'bytes=-0', 'items=1-2', 'bytes=5-1'])
      expect(byteRange(ignored, 5000)).toBeUndefined()
    expect(byteRange('bytes=0-9', undefined)).toBeUndefined()
    expect(restartAccepted(reply('350 ok'))).toBe(true)
    expect(restartAccepted(reply('502 no'))).toBe(false)
    expect(sendsContent('HEAD')).toBe(false)
    expect(sendsContent('GET')).toBe(true)
  })
})
