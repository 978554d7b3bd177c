// The memory bound of the parser's body sinks: a large or endless body costs
// no copy while it arrives and never twice its size (issue: an endless body read
// to the client's 4 MiB cap held 2 × 8 MiB of doubling copies per connection).
import { describe, expect, it } from 'vitest'
import { ByteSink } from './byte-queue.js'
import { createResponseParser } from './parser.js'

const KIB = 1024
const MIB = 1024 * KIB

describe('ByteSink', () => {
  it('keeps large appends by reference and copies the small ones into shared blocks', () => {
    const sink = new ByteSink()
    const expected: Buffer[] = []
    // A chunked body as the decoder feeds it: a chunk-size line, then 16 KiB of data.
    for (let i = 0; i < 256; i++) {
      const line = Buffer.from(`4000\r\n`)
      const data = Buffer.alloc(16 * KIB, i)
      sink.append(line)
      sink.append(data)
      expected.push(line, data)
    }
    expect(sink.length).toBe(256 * (6 + 16 * KIB))
    // 4 MiB received, and only the lines (1.5 KiB) copied, into a few small blocks.
    expect(sink.ownBytes).toBeLessThanOrEqual(4 * KIB)
    expect(sink.at(6)).toBe(0)
    expect(sink.at(6 + 16 * KIB + 6)).toBe(1)
    expect(sink.at(sink.length)).toBeUndefined()
    expect(sink.view().equals(Buffer.concat(expected))).toBe(true)
  })

  it('grows by blocks past 64 KiB, so one-byte appends never hold twice their size', () => {
    const sink = new ByteSink()
    const total = 300 * KIB
    for (let i = 0; i < total; i++) sink.append(Buffer.of(i & 0xff))
    expect(sink.length).toBe(total)
    expect(sink.ownBytes).toBeLessThanOrEqual(total + ByteSink.BLOCK)
    const view = sink.view()
    expect(view.length).toBe(total)
    expect(view[total - 1]).toBe((total - 1) & 0xff)
  })

  it('gives the last bytes after a large piece a small block, not a whole one', () => {
    const sink = new ByteSink()
    sink.append(Buffer.alloc(8 * KIB, 0x61))
    sink.append(Buffer.alloc(2 * KIB, 0x62))
    expect(sink.length).toBe(10 * KIB)
    expect(sink.ownBytes).toBeLessThanOrEqual(256 + 2 * KIB)
    expect(
      sink
        .view()
        .subarray(8 * KIB)
        .every((b) => b === 0x62),
    ).toBe(true)
  })

  it('hands out views of its own memory: changing an appended buffer later changes no view', () => {
    const sink = new ByteSink()
    const big = Buffer.alloc(64 * KIB, 0x61)
    sink.append(Buffer.from('head:'))
    sink.append(big)
    const view = sink.view()
    big.fill(0x7a)
    expect(view.subarray(0, 5).toString()).toBe('head:')
    expect(view.subarray(5).every((b) => b === 0x61)).toBe(true)
    // A later append does not touch the bytes of an earlier view either.
    sink.append(Buffer.from('tail'))
    expect(view.length).toBe(5 + 64 * KIB)
    expect(sink.view().subarray(-4).toString()).toBe('tail')
  })
})

describe('an endless chunked body in the response parser', () => {
  it('reads it whole once it ends, and the message owns its bytes (the pushed chunks may change)', () => {
    const parser = createResponseParser({ mode: 'lenient' })
    parser.expectResponseTo('GET')
    const chunk = (fill: number): Buffer =>
      Buffer.concat([Buffer.from('4000\r\n'), Buffer.alloc(0x4000, fill), Buffer.from('\r\n')])
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'))
    const pushed: Buffer[] = []
    for (let i = 0; i < 256; i++) {
      const data = Buffer.concat([chunk(0x61), chunk(0x62), chunk(0x63), chunk(0x64)])
      pushed.push(data)
      parser.push(data)
      while (parser.next() !== undefined) {
        // head, then body events; never a message: the body does not end
      }
    }
    parser.push(Buffer.from('0\r\n\r\n'))
    let message
    for (let event = parser.next(); event !== undefined; event = parser.next())
      if (event.type === 'message') message = event.message
    expect(message?.body.length).toBe(16 * MIB)
    for (const data of pushed) data.fill(0x78)
    expect(message?.body[0]).toBe(0x61)
    expect(message?.body[16 * MIB - 1]).toBe(0x64)
    expect(message?.raw.subarray(-5).toString()).toBe('0\r\n\r\n')
  })
})
