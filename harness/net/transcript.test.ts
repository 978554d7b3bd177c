import { describe, expect, it } from 'vitest'
import {
  boundEvidence,
  redactCredentials,
  toWireEvents,
  TranscriptRecorder,
  type RecordedWireEvent,
} from './transcript.js'

const text = (base64: string | undefined): string =>
  Buffer.from(base64 ?? '', 'base64').toString('latin1')

describe('TranscriptRecorder', () => {
  it('joins consecutive data of one connection and direction, so a one-byte head reads as one', () => {
    const recorder = new TranscriptRecorder()
    recorder.record({ hop: 'client', conn: 'c1', type: 'open', at: 1 })
    for (const [i, ch] of 'GET / HTTP/1.1\r\n\r\n'.split('').entries()) {
      recorder.record({
        hop: 'client',
        conn: 'c1',
        type: 'data',
        dir: 'to-target',
        data: Buffer.from(ch),
        at: 2 + i,
      })
    }
    recorder.record({ hop: 'client', conn: 'c1', type: 'end', dir: 'from-target', at: 100 })
    const events = toWireEvents(recorder.events(), 0)
    expect(events.map((e) => e.type)).toEqual(['open', 'data', 'end'])
    expect(text(events[1]?.base64)).toBe('GET / HTTP/1.1\r\n\r\n')
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3])
  })

  it('keeps the first and last half of the cap per connection, and says how much it left out', () => {
    const recorder = new TranscriptRecorder(10)
    recorder.record({
      hop: 'client',
      conn: 'c1',
      type: 'data',
      dir: 'to-target',
      data: Buffer.from('aaaaaaaa'),
      at: 1,
    })
    recorder.record({
      hop: 'client',
      conn: 'c1',
      type: 'data',
      dir: 'to-target',
      data: Buffer.from('bbbbbbbb'),
      at: 2,
    })
    recorder.record({
      hop: 'client',
      conn: 'c1',
      type: 'data',
      dir: 'from-target',
      data: Buffer.from('HTTP/1.1 431'),
      at: 3,
    })
    recorder.record({ hop: 'client', conn: 'c1', type: 'end', dir: 'from-target', at: 4 })
    recorder.data('origin', 'o2', 'from-target', Buffer.alloc(4, 0x64))
    const kept = recorder.eventsFor(['c1'])
    const bytes = kept.map((e) => e.data?.toString('latin1') ?? '').join('')
    expect(bytes).toBe('aaaaa1 431')
    const marker = kept.find((e) => e.type === 'error')
    expect(marker?.detail).toContain('18 bytes of this connection left out')
    expect(kept.map((e) => e.type)).toEqual(['data', 'error', 'data', 'end'])
    const events = toWireEvents(kept, 0)
    expect(text(events.at(-2)?.base64)).toBe('1 431')
    expect(recorder.eventsFor(['o2'])).toHaveLength(1)
  })

  it('drops the middle of a flood as it arrives, and keeps copies that pin no received chunk', () => {
    const cap = 64 * 1024
    const recorder = new TranscriptRecorder(cap)
    const read = 64 * 1024
    let sent = 0
    // 8 MiB in the 64 KiB reads of a socket, as an endless body arrives.
    for (let i = 0; i < 128; i++) {
      const chunk = Buffer.alloc(read, 0x61 + (i % 26))
      recorder.data('client', 'c1', 'from-target', chunk)
      sent += read
      const kept = recorder.eventsFor(['c1'])
      const bytes = kept.reduce((n, e) => n + (e.data?.length ?? 0), 0)
      // Bounded after every read, not only when the case ends.
      expect(bytes).toBeLessThanOrEqual(cap)
      for (const e of kept) {
        if (e.data === undefined) continue
        expect(e.data.buffer).not.toBe(chunk.buffer)
        // A copy of the kept part only, never a view of a whole received chunk.
        expect(e.data.buffer.byteLength).toBeLessThanOrEqual(cap / 2)
      }
    }
    const kept = recorder.eventsFor(['c1'])
    expect(kept.map((e) => e.type)).toEqual(['data', 'error', 'data'])
    expect(kept[0]?.data?.[0]).toBe(0x61)
    expect(kept[2]?.data?.length).toBe(cap / 2)
    // The tail is the end of the last read.
    expect(kept[2]?.data?.[0]).toBe(0x61 + (127 % 26))
    expect(kept[1]?.detail).toContain(`${sent - cap} bytes of this connection left out`)
  })

  it('dates the left-out bytes from the first of them, whether an old tail or a new read', () => {
    const recorder = new TranscriptRecorder(10)
    const data = (fill: string, at: number): void =>
      recorder.record({
        hop: 'client',
        conn: 'c1',
        type: 'data',
        dir: 'from-target',
        data: Buffer.from(fill),
        at,
      })
    data('aaaaa', 1) // the head, whole
    data('bbbbbbbbbbbb', 2) // longer than the tail: its first 7 bytes are left out at once
    const marker = recorder.eventsFor(['c1']).find((e) => e.type === 'error')
    expect(marker?.at).toBe(2)
    expect(marker?.detail).toContain('7 bytes')
    const other = new TranscriptRecorder(10)
    other.record({
      hop: 'client',
      conn: 'c1',
      type: 'data',
      dir: 'from-target',
      data: Buffer.from('aaaaaccc'),
      at: 1,
    })
    other.record({
      hop: 'client',
      conn: 'c1',
      type: 'data',
      dir: 'from-target',
      data: Buffer.from('dddd'),
      at: 2,
    })
    const first = other.eventsFor(['c1'])
    // "ccc" came first and went first: the marker sits at its time, 2 bytes of it left out.
    expect(first.find((e) => e.type === 'error')).toMatchObject({ at: 1 })
    expect(first.map((e) => e.data?.toString() ?? '|').join('')).toBe('aaaaa|cdddd')
  })
})

describe('redactCredentials', () => {
  it('hides Authorization and Proxy-Authorization values but keeps the scheme', () => {
    const out = redactCredentials(
      'GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz\r\nproxy-authorization:Bearer abc.def\r\nX-A: 1\r\n\r\n',
    )
    expect(out).not.toContain('dXNlcjpwYXNz')
    expect(out).not.toContain('abc.def')
    expect(out).toContain('Authorization: Basic [redacted 12 bytes]')
    expect(out).toContain('X-A: 1')
  })
})

describe('boundEvidence', () => {
  const data = (conn: string, at: number, bytes: number): RecordedWireEvent => ({
    at,
    hop: 'origin',
    conn,
    type: 'data',
    dir: 'from-target',
    data: Buffer.alloc(bytes, 0x61),
  })

  it('re-caps a connection to its first and last bytes with one marker counting every byte left out', () => {
    const first = new TranscriptRecorder(64 * 1024)
    for (let i = 0; i < 10; i += 1) first.record(data('o1', i, 16 * 1024))
    const events = boundEvidence(first.events(), 4096, 30)
    const kept = events.reduce((n, e) => n + (e.data?.length ?? 0), 0)
    expect(kept).toBe(4096)
    const markers = events.filter((e) => e.type === 'error')
    expect(markers).toHaveLength(1)
    expect(markers[0]?.detail).toContain(`${160 * 1024 - 4096} bytes of this connection left out`)
  })

  it('keeps the first and the last connections of a hop that opened hundreds, counting the rest', () => {
    const events = Array.from({ length: 100 }, (_, i) => data(`o${i + 1}`, i, 10))
    const bounded = boundEvidence(events, 4096, 30)
    const conns = new Set(bounded.filter((e) => e.type === 'data').map((e) => e.conn))
    expect(conns.size).toBe(30)
    expect(conns.has('o1') && conns.has('o20') && conns.has('o100') && conns.has('o91')).toBe(true)
    expect(conns.has('o21') || conns.has('o90')).toBe(false)
    const marker = bounded.find((e) => e.type === 'error')
    expect(marker?.detail).toBe(
      'evidence: 70 connections of this hop left out here (o21 … o90, 700 bytes); the first 20 and the last 10 are kept',
    )
  })
})
