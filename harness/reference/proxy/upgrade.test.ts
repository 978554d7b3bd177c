import { describe, expect, it } from 'vitest'
import { createRequestParser, createResponseParser } from '../../wire/parser.js'
import type { RequestHead, ResponseHead } from '../../wire/types.js'
import { referenceSteps } from './steps/index.js'
import { switchProblem, upgradeOffer, upgradeProtocols, withLines } from './upgrade.js'

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
    expect(upgradeOffer(ws('HTTP/1.1', 'Upgrade'), referenceSteps)).toEqual({
      protocols: ['websocket'],
    })
    expect(upgradeOffer(ws('HTTP/1.1', 'keep-alive, Upgrade'), referenceSteps)).toBeDefined()
    expect(upgradeOffer(ws('HTTP/1.1', ' ,upgrade'), referenceSteps)).toBeDefined()
  })

  it('ignores HTTP/1.0, a missing connection option, and a request with content', () => {
    expect(upgradeOffer(ws('HTTP/1.0', 'Upgrade'), referenceSteps)).toBeUndefined()
    expect(upgradeOffer(ws('HTTP/1.1', 'keep-alive'), referenceSteps)).toBeUndefined()
    const post = requestHead(
      'POST /ws HTTP/1.1\nHost: o\nConnection: Upgrade\nUpgrade: foo\nContent-Length: 2\n\n',
    )
    expect(upgradeOffer(post, referenceSteps)).toBeUndefined()
  })

  it('never relays h2c, but keeps the other protocols offered with it', () => {
    expect(
      upgradeOffer(ws('HTTP/1.1', 'Upgrade, HTTP2-Settings', 'h2c'), referenceSteps),
    ).toBeUndefined()
    expect(upgradeOffer(ws('HTTP/1.1', 'Upgrade', 'h2c, foo/1'), referenceSteps)).toEqual({
      protocols: ['foo/1'],
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

describe('the lines this proxy writes on each hop (RFC 9110 §7.8)', () => {
  it('lists upgrade in its own Connection upstream, and only upgrade in the 101', () => {
    const steps = referenceSteps
    const head = ws('HTTP/1.1', 'keep-alive, Upgrade')
    expect(steps.upstreamUpgradeLines(head, { protocols: ['websocket'] })).toEqual([
      'Upgrade: websocket',
      'Connection: upgrade',
    ])
    const response = responseHead('HTTP/1.1 101 OK\nUpgrade: websocket\nContent-Length: 0\n\n')
    const relayed = Buffer.from('HTTP/1.1 101 OK\r\nSec-WebSocket-Accept: x\r\n\r\n', 'latin1')
    expect(steps.clientSwitchHead(relayed, response, head).toString('latin1')).toBe(
      'HTTP/1.1 101 OK\r\nSec-WebSocket-Accept: x\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n',
    )
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
})
