// HttpParser's own surface: state, buffered, detach(), end(), expectResponseTo(),
// and that a WireError sticks.
import { describe, expect, it } from 'vitest'
import { createRequestParser, createResponseParser, HttpParser } from './parser.js'
import { bytes } from './test-feed.js'
import { WireError, type ParseEvent } from './types.js'

function drain<E extends ParseEvent>(parser: { next(): E | undefined }): E[] {
  const events: E[] = []
  for (let e = parser.next(); e !== undefined; e = parser.next()) events.push(e)
  return events
}

describe('state and buffered', () => {
  it('goes idle -> head -> body -> idle through a message', () => {
    const parser = createRequestParser({ mode: 'strict' })
    expect(parser.state).toBe('idle')
    parser.push(bytes('POST / HTTP/1.1\r\nContent-'))
    expect(parser.next()).toBeUndefined()
    expect(parser.state).toBe('head')
    expect(parser.buffered).toBe(25)
    parser.push(bytes('Length: 4\r\n\r\nab'))
    expect(parser.next()?.type).toBe('head')
    expect(parser.state).toBe('body')
    expect(parser.buffered).toBe(2)
    expect(parser.next()).toEqual({ type: 'body', data: bytes('ab') })
    expect(parser.next()).toBeUndefined()
    expect(parser.state).toBe('body')
    expect(parser.buffered).toBe(0)
    parser.push(bytes('cdGET'))
    expect(parser.next()).toEqual({ type: 'body', data: bytes('cd') })
    const message = parser.next()
    expect(message?.type === 'message' && message.message.body).toEqual(bytes('abcd'))
    expect(parser.state).toBe('idle')
    expect(parser.buffered).toBe(3)
  })

  it('is closed after end() once everything is read, and next() stays undefined', () => {
    const parser = createRequestParser({ mode: 'strict' })
    parser.push(bytes('GET / HTTP/1.1\r\n\r\n'))
    parser.end()
    expect(drain(parser).map((e) => e.type)).toEqual(['head', 'message'])
    expect(parser.state).toBe('closed')
    expect(parser.next()).toBeUndefined()
  })

  it('is tunnel after a tunnel-framed message', () => {
    const parser = createResponseParser({ mode: 'strict' })
    parser.push(bytes('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n'))
    expect(drain(parser).map((e) => e.type)).toEqual(['head', 'message'])
    expect(parser.state).toBe('tunnel')
    parser.push(bytes('raw'))
    expect(parser.buffered).toBe(3)
    expect(parser.next()).toEqual({ type: 'tunnel', data: bytes('raw') })
    expect(parser.buffered).toBe(0)
  })

  it('is closed after a WireError, and next() throws the same error again', () => {
    const parser = createRequestParser({ mode: 'strict' })
    parser.push(bytes('GET / HTTP/1.1\nHost: a\n\n'))
    let first: unknown
    try {
      parser.next()
    } catch (error) {
      first = error
    }
    expect(first).toBeInstanceOf(WireError)
    expect((first as WireError).code).toBe('bare-lf')
    expect(parser.state).toBe('closed')
    expect(() => parser.next()).toThrow(first)
  })
})

describe('detach', () => {
  it('returns a partial head, the queue and bytes pushed after end()', () => {
    const parser = createRequestParser({ mode: 'lenient' })
    parser.push(bytes('GET /a HTTP/1.1\r\n\r\nGET /b HT'))
    expect(drain(parser).map((e) => e.type)).toEqual(['head', 'message'])
    parser.push(bytes('TP/1.1'))
    parser.end()
    parser.push(bytes('!'))
    expect(parser.buffered).toBe('GET /b HTTP/1.1!'.length)
    expect(parser.detach()).toEqual(bytes('GET /b HTTP/1.1!'))
    expect(parser.state).toBe('closed')
    expect(parser.buffered).toBe(0)
    expect(parser.detach().length).toBe(0)
  })

  it('stops parsing for good', () => {
    const parser = createRequestParser({ mode: 'strict' })
    parser.detach()
    parser.push(bytes('GET / HTTP/1.1\r\n\r\n'))
    expect(parser.next()).toBeUndefined()
    expect(parser.state).toBe('closed')
  })
})

describe('end()', () => {
  it('does not parse bytes pushed after it, and notes them after a close-delimited body', () => {
    const parser = createResponseParser({ mode: 'strict' })
    parser.push(bytes('HTTP/1.1 200 OK\r\n\r\nbody'))
    expect(drain(parser).map((e) => e.type)).toEqual(['head', 'body'])
    parser.end()
    parser.push(bytes('late'))
    const events = drain(parser)
    expect(events.map((e) => e.type)).toEqual(['message'])
    const message = events[0]!.type === 'message' ? events[0]!.message : undefined
    expect(message?.body).toEqual(bytes('body'))
    expect(message?.complete).toBe(true)
    expect(message?.anomalies.map((a) => a.code)).toEqual(['bytes-after-close-delimited'])
    expect(parser.detach()).toEqual(bytes('late'))
  })
})

describe('expectResponseTo', () => {
  it('can be called between responses as requests go out', () => {
    const parser = new HttpParser('response', { mode: 'strict' })
    parser.expectResponseTo('HEAD')
    parser.push(bytes('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n'))
    const first = drain(parser)
    expect(first.map((e) => e.type)).toEqual(['head', 'message'])
    parser.expectResponseTo('CONNECT')
    parser.push(bytes('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc'))
    const second = drain(parser)
    expect(second.map((e) => e.type)).toEqual(['head', 'message', 'tunnel'])
    expect(second[2]).toEqual({ type: 'tunnel', data: bytes('abc') })
  })
})
