// Requests: the four request-target forms, request framing, CONNECT's stay-put
// behaviour, pipelining. Every input is fed whole and one byte at a time.
import { describe, expect, it } from 'vitest'
import { createRequestParser } from './parser.js'
import { bytes, parseRequests } from './test-feed.js'
import type { ParseEvent } from './types.js'

const isConnect = (event: ParseEvent): boolean =>
  event.type === 'message' && event.message.head.kind === 'request'
    ? event.message.head.method === 'CONNECT'
    : false

describe('request line', () => {
  it('reads an origin-form request with its query', () => {
    const input = 'GET /a/b?c=d&e HTTP/1.1\r\nHost: example.test\r\n\r\n'
    const fed = parseRequests(input)
    expect(fed.error).toBeUndefined()
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'message'])
    const [head] = fed.heads
    expect(head).toMatchObject({
      kind: 'request',
      method: 'GET',
      target: '/a/b?c=d&e',
      version: 'HTTP/1.1',
      anomalies: [],
    })
    expect(head!.raw).toEqual(bytes(input))
    const [message] = fed.messages
    expect(message!.framing).toBe('none')
    expect(message!.body.length).toBe(0)
    expect(message!.complete).toBe(true)
    expect(message!.head).toBe(head)
    expect(fed.state).toBe('idle')
    expect(fed.buffered).toBe(0)
  })

  it('reads an absolute-form target as sent (case, port and query kept)', () => {
    const fed = parseRequests('GET HTTP://Example.TEST:8080/x?Y=Z HTTP/1.1\r\nHost: a\r\n\r\n')
    expect(fed.heads[0]!.target).toBe('HTTP://Example.TEST:8080/x?Y=Z')
    expect(fed.heads[0]!.method).toBe('GET')
    expect(fed.messages[0]!.anomalies).toEqual([])
  })

  it('reads the asterisk-form of OPTIONS', () => {
    const fed = parseRequests('OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n')
    expect(fed.heads[0]).toMatchObject({ method: 'OPTIONS', target: '*', version: 'HTTP/1.1' })
    expect(fed.messages[0]!.framing).toBe('none')
  })

  it('keeps an extension method and an HTTP/1.0 version as sent', () => {
    const fed = parseRequests('PROPFIND /dav HTTP/1.0\r\n\r\n')
    expect(fed.heads[0]).toMatchObject({ method: 'PROPFIND', target: '/dav', version: 'HTTP/1.0' })
    expect(fed.messages[0]!.anomalies).toEqual([])
  })

  it('ignores empty lines before a request line (RFC 9112 §2.2) without an anomaly', () => {
    const fed = parseRequests('\r\n\n\r\nGET / HTTP/1.1\r\n\r\n')
    expect(fed.heads[0]!.raw).toEqual(bytes('GET / HTTP/1.1\r\n\r\n'))
    expect(fed.messages[0]!.anomalies).toEqual([])
    expect(fed.state).toBe('idle')
  })
})

describe('authority-form CONNECT', () => {
  const connect = 'CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n'
  const tls = '\x16\x03\x01\x00\x05hello'

  it('emits head then message (framing none) and leaves the following bytes alone', () => {
    const fed = parseRequests(connect + tls, { stopAfter: isConnect })
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'message'])
    const message = fed.messages[0]!
    expect(message.head).toMatchObject({ method: 'CONNECT', target: 'example.test:443' })
    expect(message.framing).toBe('none')
    expect(message.complete).toBe(true)
    expect(message.raw).toEqual(bytes(connect))
    // Stays put: the tunnel bytes are still buffered, and detach() hands them back.
    expect(fed.buffered).toBe(tls.length)
    expect(fed.rest).toEqual(bytes(tls))
  })

  it('detach() returns the bytes that follow, including ones pushed later', () => {
    const parser = createRequestParser({ mode: 'strict' })
    parser.push(bytes(connect + 'abc'))
    expect(parser.next()?.type).toBe('head')
    const event = parser.next()
    expect(event?.type === 'message' && event.message.framing).toBe('none')
    expect(parser.buffered).toBe(3)
    parser.push(bytes('def'))
    expect(parser.buffered).toBe(6)
    expect(parser.detach()).toEqual(bytes('abcdef'))
    expect(parser.state).toBe('closed')
    expect(parser.buffered).toBe(0)
    expect(parser.next()).toBeUndefined()
  })

  it('parses the following bytes as the next request when the caller keeps calling next()', () => {
    const fed = parseRequests(connect + 'GET /after HTTP/1.1\r\nHost: a\r\n\r\n')
    expect(fed.heads.map((h) => `${h.method} ${h.target}`)).toEqual([
      'CONNECT example.test:443',
      'GET /after',
    ])
    expect(fed.messages).toHaveLength(2)
    expect(fed.rest.length).toBe(0)
  })

  it('ignores Content-Length on CONNECT and records it', () => {
    const input = 'CONNECT a:443 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc'
    const fed = parseRequests(input, { stopAfter: isConnect })
    const message = fed.messages[0]!
    expect(message.framing).toBe('none')
    expect(message.body.length).toBe(0)
    expect(message.anomalies.map((a) => a.code)).toEqual(['invalid-content-length'])
    expect(fed.rest).toEqual(bytes('abc'))
  })

  it('ignores Transfer-Encoding on CONNECT and records it', () => {
    const input = 'CONNECT a:443 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'
    const fed = parseRequests(input, { stopAfter: isConnect })
    expect(fed.messages[0]!.framing).toBe('none')
    expect(fed.messages[0]!.anomalies.map((a) => a.code)).toEqual([
      'transfer-encoding-not-chunked-last',
    ])
    expect(fed.rest).toEqual(bytes('0\r\n\r\n'))
  })
})

describe('request bodies', () => {
  it('reads a Content-Length body and nothing past it', () => {
    const first = 'POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello'
    const fed = parseRequests(first + 'GET /', {})
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'body', 'message'])
    const message = fed.messages[0]!
    expect(message.framing).toBe('content-length')
    expect(message.body).toEqual(bytes('hello'))
    expect(message.raw).toEqual(bytes(first))
    expect(fed.steps[1]).toEqual({ type: 'body', data: bytes('hello') })
    // The start of the next request waits as a partial head.
    expect(fed.state).toBe('head')
    expect(fed.rest).toEqual(bytes('GET /'))
  })

  it('reads a Content-Length past 2^53 as endless when lenient, refuses it when strict (RFC 9110 §8.6)', () => {
    const huge = 'POST /p HTTP/1.1\r\nContent-Length: 18446744073709551621\r\n\r\nhello'
    const next = 'GET /smug HTTP/1.1\r\nHost: a\r\n\r\n'
    const parser = createRequestParser({ mode: 'lenient' })
    parser.push(bytes(huge + next))
    const events: ParseEvent[] = []
    for (let e = parser.next(); e !== undefined; e = parser.next()) events.push(e)
    // The GET is body bytes of the POST, never a second request.
    expect(events.map((e) => e.type)).toEqual(['head', 'body'])
    expect(parser.state).toBe('body')
    const head = events[0]?.type === 'head' ? events[0].head : undefined
    expect(head?.anomalies.map((a) => a.code)).toEqual(['invalid-content-length'])
    const strict = createRequestParser({ mode: 'strict' })
    strict.push(bytes(huge))
    expect(() => strict.next()).toThrow(/larger than this parser counts/)
  })

  it('uses the conversion it is given for Content-Length digits', () => {
    const wrap = (digits: string): number => Number(BigInt(digits) % 2n ** 64n)
    const parser = createRequestParser({ mode: 'strict', contentLengthValue: wrap })
    parser.push(bytes('POST /p HTTP/1.1\r\nContent-Length: 18446744073709551621\r\n\r\nhelloGET'))
    const types: string[] = []
    for (let e = parser.next(); e !== undefined; e = parser.next()) types.push(e.type)
    expect(types).toEqual(['head', 'body', 'message'])
    expect(parser.buffered).toBe(3)
  })

  it('reads Content-Length: 0 as an empty content-length body', () => {
    const fed = parseRequests('POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n')
    expect(fed.messages[0]!.framing).toBe('content-length')
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'message'])
  })

  it('treats a request with neither Content-Length nor Transfer-Encoding as bodiless', () => {
    const fed = parseRequests('POST / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\n\r\n')
    expect(fed.messages.map((m) => m.framing)).toEqual(['none', 'none'])
    expect(fed.heads[1]!.target).toBe('/next')
  })

  it('reads a chunked request body', () => {
    const input = 'PUT /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'
    const fed = parseRequests(input)
    expect(fed.messages[0]!.framing).toBe('chunked')
    expect(fed.messages[0]!.body).toEqual(bytes('abc'))
    expect(fed.messages[0]!.raw).toEqual(bytes(input))
  })

  it('reads pipelined requests in order, each with its own raw bytes', () => {
    const a = 'GET /1 HTTP/1.1\r\nHost: a\r\n\r\n'
    const b = 'POST /2 HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi'
    const c = 'DELETE /3 HTTP/1.1\r\n\r\n'
    const fed = parseRequests(a + b + c)
    expect(fed.steps.map((s) => s.type)).toEqual([
      'head',
      'message',
      'head',
      'body',
      'message',
      'head',
      'message',
    ])
    expect(fed.messages.map((m) => m.head.target)).toEqual(['/1', '/2', '/3'])
    expect(fed.messages.map((m) => m.raw.toString('latin1'))).toEqual([a, b, c])
  })
})
