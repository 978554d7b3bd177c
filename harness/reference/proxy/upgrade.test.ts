import { describe, expect, it } from 'vitest'
import { createRequestParser, createResponseParser } from '../../wire/parser.js'
import type { RequestHead, ResponseHead } from '../../wire/types.js'
import { switchProblem, upgradeOffer, upgradeProtocols, withLines } from './upgrade.js'
import { rsvClearer } from './upgrade-frames.js'

function requestHead(text: string): RequestHead {
  const parser = createRequestParser({ mode: 'strict' })
  parser.push(Buffer.from(text.replaceAll('\n', '\r\n'), 'latin1'))
  const event = parser.next()
  if (event?.type !== 'head') throw new Error('no head')
  return event.head
}

function responseHead(text: string): ResponseHead {
  const parser = createResponseParser({ mode: 'lenient' })
  parser.push(Buffer.from(text.replaceAll('\n', '\r\n'), 'latin1'))
  const event = parser.next()
  if (event?.type !== 'head') throw new Error('no head')
  return event.head
}

const ws = (version: string, connection: string, upgrade = 'websocket'): RequestHead =>
  requestHead(`GET /ws ${version}\nHost: o\nConnection: ${connection}\nUpgrade: ${upgrade}\n\n`)

describe('upgradeOffer (RFC 9110 §7.8)', () => {
  it('takes an HTTP/1.1 request that lists upgrade in Connection, however the list is written', () => {
    expect(upgradeOffer(ws('HTTP/1.1', 'Upgrade'), undefined)).toEqual({ protocols: ['websocket'] })
    expect(upgradeOffer(ws('HTTP/1.1', 'keep-alive, Upgrade'), undefined)).toBeDefined()
    expect(upgradeOffer(ws('HTTP/1.1', ' ,upgrade'), undefined)).toBeDefined()
  })

  it('ignores HTTP/1.0, a missing connection option, and a request with content', () => {
    expect(upgradeOffer(ws('HTTP/1.0', 'Upgrade'), undefined)).toBeUndefined()
    expect(upgradeOffer(ws('HTTP/1.1', 'keep-alive'), undefined)).toBeUndefined()
    const post = requestHead(
      'POST /ws HTTP/1.1\nHost: o\nConnection: Upgrade\nUpgrade: foo\nContent-Length: 2\n\n',
    )
    expect(upgradeOffer(post, undefined)).toBeUndefined()
  })

  it('never relays h2c, but keeps the other protocols offered with it', () => {
    expect(
      upgradeOffer(ws('HTTP/1.1', 'Upgrade, HTTP2-Settings', 'h2c'), undefined),
    ).toBeUndefined()
    expect(upgradeOffer(ws('HTTP/1.1', 'Upgrade', 'h2c, foo/1'), undefined)).toEqual({
      protocols: ['foo/1'],
    })
  })

  it('seeded defects change exactly their rule', () => {
    expect(upgradeOffer(ws('HTTP/1.0', 'Upgrade'), 'upgrades-http10')).toBeDefined()
    expect(
      upgradeOffer(ws('HTTP/1.1', 'keep-alive'), 'upgrades-without-connection-option'),
    ).toBeDefined()
    expect(
      upgradeOffer(ws('HTTP/1.1', 'keep-alive, Upgrade'), 'needs-connection-upgrade-alone'),
    ).toBeUndefined()
    expect(upgradeOffer(ws('HTTP/1.1', 'Upgrade'), 'needs-connection-upgrade-alone')).toBeDefined()
    expect(upgradeOffer(ws('HTTP/1.1', 'Upgrade', 'h2c'), 'passes-h2c')).toEqual({
      protocols: ['h2c'],
    })
  })
})

describe('switchProblem (RFC 9110 §15.2.2)', () => {
  const offer = { protocols: ['websocket'] }
  it('accepts a 101 naming an offered protocol in any case', () => {
    expect(switchProblem(responseHead('HTTP/1.1 101 OK\nUpgrade: WebSocket\n\n'), offer)).toBe(
      undefined,
    )
  })
  it('refuses a 101 without Upgrade or naming a protocol not offered', () => {
    expect(switchProblem(responseHead('HTTP/1.1 101 OK\n\n'), offer)).toMatch(/without Upgrade/)
    expect(switchProblem(responseHead('HTTP/1.1 101 OK\nUpgrade: h2c\n\n'), offer)).toMatch(/h2c/)
  })
})

describe('helpers', () => {
  it('upgradeProtocols reads every Upgrade line as a list', () => {
    const head = requestHead('GET / HTTP/1.1\nHost: o\nUpgrade: a/1, b\nUpgrade: c\n\n')
    expect(upgradeProtocols(head.headers)).toEqual(['a/1', 'b', 'c'])
  })
  it('withLines inserts before the blank line', () => {
    const head = Buffer.from('GET / HTTP/1.1\r\nHost: o\r\n\r\n')
    expect(withLines(head, ['Upgrade: x']).toString()).toBe(
      'GET / HTTP/1.1\r\nHost: o\r\nUpgrade: x\r\n\r\n',
    )
  })
  it('rsvClearer clears RSV bits of every frame header, across chunk boundaries', () => {
    const frame = (first: number, payload: Buffer): Buffer =>
      Buffer.concat([Buffer.from([first, payload.length]), payload])
    const input = Buffer.concat([
      frame(0xc1, Buffer.from('abc')),
      frame(0xf2, Buffer.alloc(5, 0xff)),
    ])
    const clear = rsvClearer()
    const out = Buffer.concat([...input].map((byte) => clear(Buffer.from([byte]))))
    expect([...out]).toEqual([0x81, 3, 0x61, 0x62, 0x63, 0x82, 5, 0xff, 0xff, 0xff, 0xff, 0xff])
  })
})
