// parseMessages: the whole-buffer convenience (messages, rest, tunnel).
import { describe, expect, it } from 'vitest'
import { parseMessages } from './parser.js'
import { bytes, parseBoth } from './test-feed.js'
import { WireError } from './types.js'

describe('parseMessages', () => {
  it('returns every complete message and the partial one as rest', () => {
    const a = 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n'
    const b = 'POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz'
    const partial = 'POST /c HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc'
    const input = bytes(a + b + partial)
    const parsed = parseMessages('request', input, { mode: 'strict' })
    expect(parsed.messages.map((m) => m.raw.toString('latin1'))).toEqual([a, b])
    expect(parsed.rest).toEqual(bytes(partial))
    expect(parsed.tunnel.length).toBe(0)
    // The same messages an incremental parser yields, whole or byte by byte.
    expect(parsed.messages).toEqual(parseBoth('request', input, { mode: 'strict' }).messages)
  })

  it('returns a partial head as rest', () => {
    const parsed = parseMessages('request', bytes('GET / HTTP/1.1\r\n\r\nGET /next HT'), {
      mode: 'lenient',
    })
    expect(parsed.messages).toHaveLength(1)
    expect(parsed.rest).toEqual(bytes('GET /next HT'))
  })

  it('returns nothing for empty input, and swallows empty lines between requests', () => {
    expect(parseMessages('request', Buffer.alloc(0), { mode: 'strict' })).toEqual({
      messages: [],
      rest: Buffer.alloc(0),
      tunnel: Buffer.alloc(0),
    })
    const parsed = parseMessages('request', bytes('GET / HTTP/1.1\r\n\r\n\r\n'), { mode: 'strict' })
    expect(parsed.messages).toHaveLength(1)
    expect(parsed.rest.length).toBe(0)
  })

  it('stops after a CONNECT request: what follows is rest, not parsed', () => {
    const connect = 'CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n'
    const after = 'GET / HTTP/1.1\r\n\r\n'
    const parsed = parseMessages('request', bytes(connect + after), { mode: 'strict' })
    expect(parsed.messages).toHaveLength(1)
    expect(parsed.messages[0]!.framing).toBe('none')
    expect(parsed.rest).toEqual(bytes(after))
  })

  it('puts the bytes after a 2xx to CONNECT in tunnel', () => {
    const parsed = parseMessages('response', bytes('HTTP/1.1 200 OK\r\n\r\n\x16\x03\x01'), {
      mode: 'strict',
      requestMethods: ['CONNECT'],
    })
    expect(parsed.messages.map((m) => m.framing)).toEqual(['tunnel'])
    expect(parsed.tunnel).toEqual(bytes('\x16\x03\x01'))
    expect(parsed.rest.length).toBe(0)
  })

  it('uses requestMethods in order for the responses', () => {
    const input =
      'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody'
    const parsed = parseMessages('response', bytes(input), {
      mode: 'strict',
      requestMethods: ['HEAD', 'GET'],
    })
    expect(parsed.messages.map((m) => m.body.toString('latin1'))).toEqual(['', 'body'])
  })

  it('needs eof to complete a close-delimited body', () => {
    const input = bytes('HTTP/1.1 200 OK\r\n\r\nuntil close')
    const open = parseMessages('response', input, { mode: 'strict' })
    expect(open.messages).toEqual([])
    expect(open.rest).toEqual(input)

    const closed = parseMessages('response', input, { mode: 'strict', eof: true })
    expect(closed.messages[0]!.framing).toBe('close-delimited')
    expect(closed.messages[0]!.body).toEqual(bytes('until close'))
    expect(closed.rest.length).toBe(0)
  })

  it('with eof, marks a cut-short message incomplete (lenient)', () => {
    const input = bytes('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nhalf')
    const parsed = parseMessages('response', input, { mode: 'lenient', eof: true })
    expect(parsed.messages[0]!.complete).toBe(false)
    expect(parsed.messages[0]!.anomalies.map((a) => a.code)).toEqual(['incomplete'])
  })

  it('throws WireError in strict mode, with the violation as code', () => {
    const input = bytes('GET / HTTP/1.1\r\nHost : a\r\n\r\n')
    let thrown: unknown
    try {
      parseMessages('request', input, { mode: 'strict' })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(WireError)
    expect((thrown as WireError).code).toBe('whitespace-before-colon')
    expect((thrown as WireError).offset).toBe(16)
    expect(parseMessages('request', input, { mode: 'lenient' }).messages).toHaveLength(1)
  })
})
