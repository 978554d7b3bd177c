// Responses: status line, the framing rules of RFC 9112 §6.3, interim
// responses, tunnels and pipelining. Every input is fed whole and one byte at a time.
import { describe, expect, it } from 'vitest'
import { bytes, parseResponses } from './test-feed.js'

describe('status line', () => {
  it('reads version, status and a multi-word reason', () => {
    const fed = parseResponses('HTTP/1.1 404 Not Found Here\r\nContent-Length: 0\r\n\r\n')
    expect(fed.heads[0]).toMatchObject({
      kind: 'response',
      version: 'HTTP/1.1',
      status: 404,
      reason: 'Not Found Here',
      anomalies: [],
    })
  })

  it('reads an empty reason after the required SP', () => {
    const fed = parseResponses('HTTP/1.0 204 \r\n\r\n')
    expect(fed.heads[0]).toMatchObject({ version: 'HTTP/1.0', status: 204, reason: '' })
    expect(fed.messages[0]!.anomalies).toEqual([])
  })
})

describe('response framing', () => {
  it('reads a Content-Length body and stops there', () => {
    const input = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'
    const fed = parseResponses(input)
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'body', 'message'])
    const message = fed.messages[0]!
    expect(message.framing).toBe('content-length')
    expect(message.body).toEqual(bytes('hello'))
    expect(message.raw).toEqual(bytes(input))
    expect(message.complete).toBe(true)
    expect(fed.state).toBe('idle')
  })

  it('reads a close-delimited body until end(), not before', () => {
    const input = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this\r\n\r\nis body'
    const open = parseResponses(input)
    expect(open.steps.map((s) => s.type)).toEqual(['head', 'body'])
    expect(open.messages).toEqual([])
    expect(open.state).toBe('body')

    const closed = parseResponses(input, { eof: true })
    expect(closed.steps.map((s) => s.type)).toEqual(['head', 'body', 'message'])
    const message = closed.messages[0]!
    expect(message.framing).toBe('close-delimited')
    expect(message.body).toEqual(bytes('all of this\r\n\r\nis body'))
    expect(message.complete).toBe(true)
    expect(message.anomalies).toEqual([])
    expect(message.raw).toEqual(bytes(input))
    expect(closed.state).toBe('closed')
  })

  it('completes an empty close-delimited body at end()', () => {
    const fed = parseResponses('HTTP/1.0 200 OK\r\n\r\n', { eof: true })
    expect(fed.messages[0]!.framing).toBe('close-delimited')
    expect(fed.messages[0]!.body.length).toBe(0)
    expect(fed.messages[0]!.complete).toBe(true)
  })

  it('reads a response whose Transfer-Encoding does not end in chunked as close-delimited', () => {
    const input = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b\x08'
    const fed = parseResponses(input, { eof: true, mode: 'strict' })
    expect(fed.messages[0]!.framing).toBe('close-delimited')
    expect(fed.messages[0]!.body).toEqual(bytes('\x1f\x8b\x08'))
    expect(fed.messages[0]!.anomalies).toEqual([])
  })

  it('gives a response to HEAD no body despite its Content-Length', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'
    const get = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi'
    const fed = parseResponses(head + get, { methods: ['HEAD', 'GET'] })
    expect(fed.messages.map((m) => m.framing)).toEqual(['none', 'content-length'])
    expect(fed.messages[0]!.body.length).toBe(0)
    expect(fed.messages[0]!.raw).toEqual(bytes(head))
    expect(fed.messages[1]!.body).toEqual(bytes('hi'))
  })

  it('gives 204 and 304 no body, even with framing fields', () => {
    const r204 = 'HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n'
    const r304 = 'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n'
    const r200 = 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx'
    const fed = parseResponses(r204 + r304 + r200)
    expect(fed.heads.map((h) => h.status)).toEqual([204, 304, 200])
    expect(fed.messages.map((m) => m.framing)).toEqual(['none', 'none', 'content-length'])
    expect(fed.messages.map((m) => m.raw.toString('latin1'))).toEqual([r204, r304, r200])
  })

  it('assumes GET when no request method was queued', () => {
    const fed = parseResponses('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc')
    expect(fed.messages[0]!.body).toEqual(bytes('abc'))
  })
})

describe('interim responses', () => {
  it('emits a 1xx as a message of its own with framing none', () => {
    const hints = 'HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n'
    const final = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
    const fed = parseResponses(hints + final)
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'message', 'head', 'body', 'message'])
    expect(fed.messages[0]).toMatchObject({ framing: 'none', complete: true })
    expect(fed.messages[0]!.raw).toEqual(bytes(hints))
    expect(fed.messages[1]!.head.status).toBe(200)
  })

  it('keeps the queued method for the final response after 100 Continue', () => {
    // If the 100 had used up 'HEAD', the 200 would be read as a GET response and wait for 5 bytes.
    const input =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz'
    const fed = parseResponses(input, { methods: ['HEAD', 'GET'] })
    expect(fed.heads.map((h) => h.status)).toEqual([100, 200, 200])
    expect(fed.messages.map((m) => m.framing)).toEqual(['none', 'none', 'content-length'])
    expect(fed.messages[2]!.body).toEqual(bytes('z'))
    expect(fed.state).toBe('idle')
  })
})

describe('tunnels', () => {
  it('turns the bytes after a 101 into tunnel events', () => {
    const head =
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
    const frames = '\x81\x05hello\x88\x00'
    const fed = parseResponses(head + frames)
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'message', 'tunnel'])
    expect(fed.messages[0]).toMatchObject({ framing: 'tunnel', complete: true })
    expect(fed.messages[0]!.raw).toEqual(bytes(head))
    expect(fed.tunnel).toEqual(bytes(frames))
    expect(fed.state).toBe('tunnel')
    expect(fed.buffered).toBe(0)
  })

  it('turns a 2xx to CONNECT into a tunnel, ignoring its Content-Length', () => {
    const head = 'HTTP/1.1 200 Connection Established\r\nContent-Length: 10\r\n\r\n'
    const fed = parseResponses(head + 'HTTP/1.1 200 OK\r\n\r\n', { methods: ['CONNECT'] })
    expect(fed.messages).toHaveLength(1)
    expect(fed.messages[0]!.framing).toBe('tunnel')
    expect(fed.messages[0]!.body.length).toBe(0)
    // Even bytes that look like HTTP are tunnel data now.
    expect(fed.tunnel).toEqual(bytes('HTTP/1.1 200 OK\r\n\r\n'))
  })

  it('closes after end() in a tunnel, with no message lost', () => {
    const fed = parseResponses('HTTP/1.1 200 OK\r\n\r\nxyz', { methods: ['CONNECT'], eof: true })
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'message', 'tunnel'])
    expect(fed.state).toBe('closed')
  })

  it('does not tunnel after a refused CONNECT: the body is read and parsing carries on', () => {
    const refused = 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\ndeny'
    const next = 'HTTP/1.1 200 OK\r\n\r\n'
    const fed = parseResponses(refused + next, { methods: ['CONNECT', 'CONNECT'] })
    expect(fed.messages.map((m) => m.framing)).toEqual(['content-length', 'tunnel'])
    expect(fed.messages[0]!.body).toEqual(bytes('deny'))
  })
})

describe('pipelining', () => {
  it('pairs responses with queued methods in order (FIFO)', () => {
    const r1 = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none'
    const r2 = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n'
    const r3 = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthree\r\n0\r\n\r\n'
    const r4 = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfour'
    const fed = parseResponses(r1 + r2 + r3 + r4, { methods: ['GET', 'HEAD', 'POST'] })
    expect(fed.messages.map((m) => m.framing)).toEqual([
      'content-length',
      'none',
      'chunked',
      'content-length',
    ])
    expect(fed.messages.map((m) => m.body.toString('latin1'))).toEqual(['one', '', 'three', 'four'])
    expect(fed.messages.map((m) => m.raw.toString('latin1'))).toEqual([r1, r2, r3, r4])
  })
})
