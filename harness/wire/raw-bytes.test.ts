// Field lines as received: order, case, duplicates, whitespace and raw bytes are
// kept, and every message's raw bytes equal its input. Fed whole and one byte at a time.
import { describe, expect, it } from 'vitest'
import { headerText } from './fields.js'
import { createRequestParser } from './parser.js'
import { bytes, parseRequests, parseResponses } from './test-feed.js'

describe('field lines as received', () => {
  const head =
    'GET / HTTP/1.1\r\n' +
    'host: example.test\r\n' +
    'X-Dup: one\r\n' +
    'ACCEPT: */*\r\n' +
    'x-dup: two\r\n' +
    'X-Dup:three\r\n' +
    'X-Space: \t padded value \t\r\n' +
    'X-Empty:\r\n' +
    '\r\n'

  it('keeps order, case and duplicates', () => {
    const fed = parseRequests(head, { mode: 'strict' })
    const fields = fed.heads[0]!.headers
    expect(fields.map((f) => [f.name, f.value])).toEqual([
      ['host', 'example.test'],
      ['X-Dup', 'one'],
      ['ACCEPT', '*/*'],
      ['x-dup', 'two'],
      ['X-Dup', 'three'],
      ['X-Space', 'padded value'],
      ['X-Empty', ''],
    ])
    expect(fed.messages[0]!.anomalies).toEqual([])
  })

  it('keeps each line raw, without its line ending, surrounding whitespace included', () => {
    const fed = parseRequests(head)
    expect(fed.heads[0]!.headers.map((f) => f.raw.toString('latin1'))).toEqual([
      'host: example.test',
      'X-Dup: one',
      'ACCEPT: */*',
      'x-dup: two',
      'X-Dup:three',
      'X-Space: \t padded value \t',
      'X-Empty:',
    ])
  })

  it('keeps the whole head raw, and headerText gives it back as latin1 text', () => {
    const fed = parseRequests(head)
    expect(fed.heads[0]!.raw).toEqual(bytes(head))
    expect(fed.messages[0]!.raw).toEqual(bytes(head))
    expect(headerText(fed.heads[0]!)).toBe(head)
  })

  it('keeps bytes above 0x7f one char per byte (obs-text), in values and raw', () => {
    const input = Buffer.concat([
      bytes('HTTP/1.1 200 \xc3\x89t\xe9\r\nX-Bin: '),
      Buffer.from([0x80, 0xff, 0xc3, 0xa9]),
      bytes('\r\nContent-Length: 0\r\n\r\n'),
    ])
    const fed = parseResponses(input, { mode: 'strict' })
    const head = fed.heads[0]!
    expect(head.reason).toBe('\xc3\x89t\xe9')
    expect(head.headers[0]!.value).toBe('\x80\xff\xc3\xa9')
    expect(head.headers[0]!.raw).toEqual(
      Buffer.concat([bytes('X-Bin: '), Buffer.from([0x80, 0xff, 0xc3, 0xa9])]),
    )
    expect(head.raw).toEqual(input)
    expect(Buffer.from(headerText(head), 'latin1')).toEqual(input)
  })

  it('keeps every byte of a message raw: head, body framing, trailers', () => {
    const message =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer: x\r\n\r\n' +
      '4;ext\r\nwire\r\n0\r\nX-T: 1\r\n\r\n'
    const fed = parseResponses(message + message)
    expect(fed.messages).toHaveLength(2)
    for (const m of fed.messages) expect(m.raw).toEqual(bytes(message))
    expect(Buffer.concat(fed.messages.map((m) => m.raw))).toEqual(bytes(message + message))
  })

  it('keeps its own copies: overwriting the pushed buffer afterwards changes nothing', () => {
    const input = 'POST /x HTTP/1.1\r\nA: 1\r\nContent-Length: 3\r\n\r\nabc'
    const chunk = bytes(input)
    const parser = createRequestParser({ mode: 'strict' })
    parser.push(chunk)
    const events = [parser.next(), parser.next(), parser.next()]
    chunk.fill(0x58)
    const last = events[2]
    if (last?.type !== 'message') throw new Error('expected a message event')
    expect(last.message.raw).toEqual(bytes(input))
    expect(last.message.head.raw).toEqual(bytes(input.slice(0, -3)))
    expect(last.message.head.headers[0]!.raw).toEqual(bytes('A: 1'))
    expect(last.message.body).toEqual(bytes('abc'))
  })
})
