// The chunked coding (RFC 9112 §7.1): sizes, extensions, trailers, and what
// happens when the framing breaks. Every input is fed whole and one byte at a time.
import { describe, expect, it } from 'vitest'
import { createResponseParser } from './parser.js'
import { bytes, codes, parseRequests, parseResponses } from './test-feed.js'
import { WireError } from './types.js'

const HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'

describe('chunked bodies', () => {
  it('joins the chunk data and keeps every framing byte in raw', () => {
    const body = 'A\r\n0123456789\r\n00b\r\nabcdefghijk\r\n1\r\n!\r\n0\r\n\r\n'
    const fed = parseResponses(HEAD + body, { mode: 'strict' })
    const message = fed.messages[0]!
    expect(message.framing).toBe('chunked')
    expect(message.body).toEqual(bytes('0123456789abcdefghijk!'))
    expect(message.raw).toEqual(bytes(HEAD + body))
    expect(message.trailers).toEqual([])
    expect(message.complete).toBe(true)
    expect(message.anomalies).toEqual([])
    expect(fed.state).toBe('idle')
  })

  it('emits one body event per chunk when fed whole, with no framing bytes in them', () => {
    const parser = createResponseParser({ mode: 'strict' })
    parser.push(bytes(HEAD + '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'))
    const events = []
    for (let e = parser.next(); e !== undefined; e = parser.next()) events.push(e)
    expect(events.map((e) => e.type)).toEqual(['head', 'body', 'body', 'message'])
    expect(events.flatMap((e) => (e.type === 'body' ? [e.data.toString('latin1')] : []))).toEqual([
      'hello',
      ' world',
    ])
  })

  it('reads an empty chunked body (last-chunk only)', () => {
    const fed = parseResponses(HEAD + '0\r\n\r\n')
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'message'])
    expect(fed.messages[0]!.body.length).toBe(0)
    expect(fed.messages[0]!.complete).toBe(true)
  })

  it('ignores chunk extensions, noting them once as informational (even in strict mode)', () => {
    const body = '5;name=value;flag\r\nhello\r\n3 ; q="a;b"\r\nabc\r\n0;last\r\n\r\n'
    const fed = parseResponses(HEAD + body, { mode: 'strict' })
    const message = fed.messages[0]!
    expect(message.body).toEqual(bytes('helloabc'))
    expect(codes(message)).toEqual(['chunk-extension'])
    expect(message.anomalies[0]!.offset).toBe(HEAD.length + 1)
    expect(message.raw).toEqual(bytes(HEAD + body))
  })

  it('reads trailer fields as received: order, case, duplicates and raw bytes', () => {
    const trailers = 'Expires: Wed, 21 Oct 2015 07:28:00 GMT\r\nx-sum:  abc \r\nX-Sum: def\r\n'
    const body = '3\r\nabc\r\n0\r\n' + trailers + '\r\n'
    const fed = parseResponses(HEAD + body + 'HTTP/1.1 204 No Content\r\n\r\n')
    const message = fed.messages[0]!
    expect(message.trailers.map((t) => [t.name, t.value, t.raw.toString('latin1')])).toEqual([
      ['Expires', 'Wed, 21 Oct 2015 07:28:00 GMT', 'Expires: Wed, 21 Oct 2015 07:28:00 GMT'],
      ['x-sum', 'abc', 'x-sum:  abc '],
      ['X-Sum', 'def', 'X-Sum: def'],
    ])
    // Trailers are not body, and not head fields.
    expect(message.body).toEqual(bytes('abc'))
    expect(message.head.headers.map((h) => h.name)).toEqual(['Transfer-Encoding'])
    expect(message.raw).toEqual(bytes(HEAD + body))
    expect(fed.heads[1]!.status).toBe(204)
  })

  it('reads a chunked body in a request', () => {
    const input =
      'POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n\x1f\x8b\r\n0\r\n\r\n'
    const fed = parseRequests(input, { mode: 'strict' })
    expect(fed.messages[0]!.framing).toBe('chunked')
    expect(fed.messages[0]!.body).toEqual(bytes('\x1f\x8b'))
  })
})

describe('broken chunked framing', () => {
  it('lenient: a size with a 0x prefix is read as hex, with invalid-chunk-size', () => {
    const fed = parseResponses(HEAD + '0x5\r\nhello\r\n0\r\n\r\n')
    expect(fed.messages[0]!.body).toEqual(bytes('hello'))
    expect(codes(fed.messages[0]!)).toEqual(['invalid-chunk-size'])
    expect(fed.messages[0]!.anomalies[0]!.offset).toBe(HEAD.length)
    expect(fed.messages[0]!.complete).toBe(true)
  })

  it('lenient: an unreadable size loses the framing: message incomplete, parser closed', () => {
    const body = '5\r\nhello\r\nzz\r\n'
    const fed = parseResponses(HEAD + body + 'more bytes')
    const message = fed.messages[0]!
    expect(message.body).toEqual(bytes('hello'))
    expect(message.complete).toBe(false)
    expect(codes(message)).toEqual(['invalid-chunk-size'])
    expect(message.anomalies[0]!.offset).toBe(HEAD.length + '5\r\nhello\r\n'.length)
    expect(message.raw).toEqual(bytes(HEAD + body))
    expect(fed.state).toBe('closed')
    expect(fed.rest).toEqual(bytes('more bytes'))
  })

  it('lenient: a size past Number.MAX_SAFE_INTEGER loses the framing', () => {
    const fed = parseResponses(HEAD + 'fffffffffffffffff\r\nx')
    expect(fed.messages[0]!.complete).toBe(false)
    expect(codes(fed.messages[0]!)).toEqual(['invalid-chunk-size'])
  })

  it('strict: an invalid chunk size is a WireError at the size line', () => {
    const fed = parseResponses(HEAD + '5\r\nhello\r\n-1\r\n', { mode: 'strict' })
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'body', 'error'])
    expect(fed.error).toBeInstanceOf(WireError)
    expect(fed.error!.code).toBe('invalid-chunk-size')
    expect(fed.error!.offset).toBe(HEAD.length + '5\r\nhello\r\n'.length)
    expect(fed.state).toBe('closed')
  })

  it('lenient: chunk data longer than its size: the excess line is dropped', () => {
    const body = '5\r\nhelloXX\r\n0\r\n\r\n'
    const fed = parseResponses(HEAD + body)
    expect(fed.messages[0]!.body).toEqual(bytes('hello'))
    expect(codes(fed.messages[0]!)).toEqual(['invalid-chunk-ending'])
    expect(fed.messages[0]!.anomalies[0]!.offset).toBe(HEAD.length + '5\r\nhello'.length)
    expect(fed.messages[0]!.raw).toEqual(bytes(HEAD + body))
    expect(fed.messages[0]!.complete).toBe(true)
  })

  it('strict: chunk data not followed by CRLF is invalid-chunk-ending', () => {
    const fed = parseResponses(HEAD + '5\r\nhelloXX\r\n0\r\n\r\n', { mode: 'strict' })
    expect(fed.error?.code).toBe('invalid-chunk-ending')
    expect(fed.messages).toEqual([])
  })

  it('lenient: bare LF line endings in chunk framing are accepted and recorded', () => {
    const body = '5\nhello\n0\n\n'
    const fed = parseResponses(HEAD + body)
    expect(fed.messages[0]!.body).toEqual(bytes('hello'))
    expect(fed.messages[0]!.complete).toBe(true)
    // Once for the chunk lines, once for the (empty) trailer section.
    expect(fed.messages[0]!.anomalies.map((a) => [a.code, a.offset])).toEqual([
      ['bare-lf', HEAD.length + 1],
      ['bare-lf', HEAD.length + '5\nhello\n0\n'.length],
    ])
    expect(fed.messages[0]!.raw).toEqual(bytes(HEAD + body))
  })

  it('lenient: EOF inside chunk data makes the message incomplete, raw as received', () => {
    const body = '5\r\nhel'
    const fed = parseResponses(HEAD + body, { eof: true })
    const message = fed.messages[0]!
    expect(message.complete).toBe(false)
    expect(message.body).toEqual(bytes('hel'))
    expect(codes(message)).toEqual(['incomplete'])
    expect(message.anomalies[0]!.offset).toBe(HEAD.length + body.length)
    expect(message.raw).toEqual(bytes(HEAD + body))
  })

  it('lenient: EOF inside a chunk-size line or the trailers keeps the partial bytes in raw', () => {
    for (const body of ['5\r\nhello\r\n1', '5\r\nhello\r\n0\r\nX-Trailer: y']) {
      const fed = parseResponses(HEAD + body, { eof: true })
      expect(fed.messages[0]!.complete).toBe(false)
      expect(fed.messages[0]!.raw).toEqual(bytes(HEAD + body))
      expect(codes(fed.messages[0]!)).toEqual(['incomplete'])
    }
  })

  it('strict: EOF inside a chunked body is a WireError incomplete', () => {
    const fed = parseResponses(HEAD + '5\r\nhel', { eof: true, mode: 'strict' })
    expect(fed.error?.code).toBe('incomplete')
    expect(fed.steps.map((s) => s.type)).toEqual(['head', 'body', 'error'])
  })

  it('rejects a chunk-size line longer than maxHeadBytes in both modes', () => {
    const line = '5;' + 'x'.repeat(200) + '\r\nhello\r\n0\r\n\r\n'
    for (const mode of ['strict', 'lenient'] as const) {
      const fed = parseResponses(HEAD + line, { mode, maxHeadBytes: 100 })
      expect(fed.error?.code).toBe('invalid-chunk-size')
    }
  })

  it('rejects a trailer section larger than maxHeadBytes in both modes', () => {
    const body = '0\r\nX-Big: ' + 'y'.repeat(200) + '\r\n\r\n'
    for (const mode of ['strict', 'lenient'] as const) {
      const fed = parseResponses(HEAD + body, { mode, maxHeadBytes: 100 })
      expect(fed.error?.code).toBe('head-too-large')
    }
  })
})

describe('detach in the middle of a chunked body', () => {
  it('returns the partial chunk-size line that no event has consumed', () => {
    const fed = parseResponses(HEAD + '5\r\nhello\r\n1')
    expect(fed.state).toBe('body')
    expect(fed.buffered).toBe(1)
    expect(fed.rest).toEqual(bytes('1'))
  })

  it('returns a partial trailer section (the last-chunk line was already read)', () => {
    const fed = parseResponses(HEAD + '0\r\nX-T: 1\r\n')
    expect(fed.state).toBe('body')
    expect(fed.buffered).toBe('X-T: 1\r\n'.length)
    expect(fed.rest).toEqual(bytes('X-T: 1\r\n'))
  })
})
