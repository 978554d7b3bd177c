// Writing messages byte for byte: nothing added, nothing repaired.
import { describe, expect, it } from 'vitest'
import { chunkedBody, requestBytes, responseBytes, STATUS_REASONS } from './serialize.js'
import { bytes, parseRequests, parseResponses } from './test-feed.js'

describe('requestBytes', () => {
  it('writes request line, tuple fields as "name: value", empty line, body', () => {
    const out = requestBytes({
      method: 'POST',
      target: '/submit?x=1',
      headers: [
        ['Host', 'example.test'],
        ['content-length', '5'],
      ],
      body: 'hello',
    })
    expect(out).toEqual(
      bytes('POST /submit?x=1 HTTP/1.1\r\nHost: example.test\r\ncontent-length: 5\r\n\r\nhello'),
    )
  })

  it('defaults to HTTP/1.1 and no fields, and adds no Content-Length or Host', () => {
    expect(requestBytes({ method: 'GET', target: '/' })).toEqual(bytes('GET / HTTP/1.1\r\n\r\n'))
    expect(requestBytes({ method: 'POST', target: '/', body: 'abc' })).toEqual(
      bytes('POST / HTTP/1.1\r\n\r\nabc'),
    )
  })

  it('writes string field lines verbatim, so malformed lines can be sent', () => {
    const out = requestBytes({
      method: 'GET',
      target: 'http://a.test/',
      version: 'HTTP/1.0',
      headers: ['Host : a.test', 'X-Fold: a\r\n b', ['X-Empty', ''], 'NoColon'],
    })
    expect(out.toString('latin1')).toBe(
      'GET http://a.test/ HTTP/1.0\r\nHost : a.test\r\nX-Fold: a\r\n b\r\nX-Empty: \r\nNoColon\r\n\r\n',
    )
  })

  it('writes strings as latin1 (one byte per char) and Buffer bodies as given', () => {
    const body = Buffer.from([0x00, 0xff, 0x80, 0x0d, 0x0a])
    const out = requestBytes({ method: 'PUT', target: '/\xe9', headers: [['X', '\xff']], body })
    expect(out).toEqual(
      Buffer.concat([
        Buffer.from([...bytes('PUT /'), 0xe9, ...bytes(' HTTP/1.1\r\nX: '), 0xff]),
        bytes('\r\n\r\n'),
        body,
      ]),
    )
  })

  it('round-trips through the parser', () => {
    const out = requestBytes({
      method: 'POST',
      target: '/r',
      headers: [
        ['Host', 'h'],
        ['Content-Length', '3'],
        ['X-A', 'one'],
        ['x-a', 'two'],
      ],
      body: 'abc',
    })
    const fed = parseRequests(out, { mode: 'strict' })
    expect(fed.messages[0]!.raw).toEqual(out)
    expect(fed.messages[0]!.body).toEqual(bytes('abc'))
    expect(fed.heads[0]!.headers.map((f) => [f.name, f.value])).toEqual([
      ['Host', 'h'],
      ['Content-Length', '3'],
      ['X-A', 'one'],
      ['x-a', 'two'],
    ])
  })
})

describe('responseBytes', () => {
  it('writes the standard reason phrase by default', () => {
    expect(responseBytes({ status: 404, headers: [['Content-Length', '0']] })).toEqual(
      bytes('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
    )
    expect(responseBytes({ status: 200, body: 'x' })).toEqual(bytes('HTTP/1.1 200 OK\r\n\r\nx'))
  })

  it('keeps the SP before an empty or unknown reason', () => {
    expect(responseBytes({ status: 599 })).toEqual(bytes('HTTP/1.1 599 \r\n\r\n'))
    expect(responseBytes({ status: 200, reason: '' })).toEqual(bytes('HTTP/1.1 200 \r\n\r\n'))
  })

  it('writes a given version and reason as-is', () => {
    expect(responseBytes({ version: 'HTTP/1.0', status: 200, reason: 'Fine Thanks' })).toEqual(
      bytes('HTTP/1.0 200 Fine Thanks\r\n\r\n'),
    )
  })

  it('round-trips a chunked response with trailers through the parser', () => {
    const out = responseBytes({
      status: 200,
      headers: [['Transfer-Encoding', 'chunked'], 'Trailer: X-Sum'],
      body: chunkedBody(['hello ', 'world'], [['X-Sum', '42']]),
    })
    const fed = parseResponses(out, { mode: 'strict' })
    const message = fed.messages[0]!
    expect(message.raw).toEqual(out)
    expect(message.body).toEqual(bytes('hello world'))
    expect(message.trailers.map((t) => [t.name, t.value])).toEqual([['X-Sum', '42']])
    expect(message.head.reason).toBe('OK')
  })
})

describe('chunkedBody', () => {
  it('writes hex sizes, data, CRLFs, the last-chunk and the final CRLF', () => {
    const data26 = 'abcdefghijklmnopqrstuvwxyz'
    expect(chunkedBody(['hello', data26])).toEqual(
      bytes(`5\r\nhello\r\n1a\r\n${data26}\r\n0\r\n\r\n`),
    )
  })

  it('writes an empty body as the last-chunk alone', () => {
    expect(chunkedBody([])).toEqual(bytes('0\r\n\r\n'))
  })

  it('skips empty chunks, which would end the body early', () => {
    expect(chunkedBody(['', 'a', Buffer.alloc(0), 'b'])).toEqual(
      bytes('1\r\na\r\n1\r\nb\r\n0\r\n\r\n'),
    )
  })

  it('writes trailers: tuples as "name: value", strings verbatim', () => {
    expect(chunkedBody([Buffer.from([0xff])], [['Expires', 'never'], 'X-Raw:v'])).toEqual(
      Buffer.concat([
        bytes('1\r\n'),
        Buffer.from([0xff]),
        bytes('\r\n0\r\nExpires: never\r\nX-Raw:v\r\n\r\n'),
      ]),
    )
  })

  it('writes a 4096-byte chunk with size 1000', () => {
    const out = chunkedBody([Buffer.alloc(4096, 0x61)])
    expect(out.subarray(0, 6)).toEqual(bytes('1000\r\n'))
    expect(out.length).toBe(6 + 4096 + 2 + 5)
  })
})

describe('STATUS_REASONS', () => {
  it('has the RFC 9110 phrases', () => {
    expect(STATUS_REASONS[100]).toBe('Continue')
    expect(STATUS_REASONS[101]).toBe('Switching Protocols')
    expect(STATUS_REASONS[204]).toBe('No Content')
    expect(STATUS_REASONS[407]).toBe('Proxy Authentication Required')
    expect(STATUS_REASONS[413]).toBe('Content Too Large')
    expect(STATUS_REASONS[502]).toBe('Bad Gateway')
    expect(STATUS_REASONS[599]).toBeUndefined()
  })
})
