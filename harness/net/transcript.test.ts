import { describe, expect, it } from 'vitest'
import { redactCredentials, toWireEvents, TranscriptRecorder } from './transcript.js'

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
