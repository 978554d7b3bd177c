import { describe, expect, it } from 'vitest'
import { rsvClearer } from './websocket-rsv-clearer.js'

describe('rsvClearer', () => {
  it('rsvClearer clears RSV bits of every frame header, across chunk boundaries', () => {
    const frame = (first: number, payload: Buffer): Buffer =>
      Buffer.concat([Buffer.from([first, payload.length]), payload])
    const input = Buffer.concat([
      frame(0xc1, Buffer.from('abc')),
      frame(0xf2, Buffer.alloc(5, 0xff)),
    ])
    const clear = rsvClearer()
    const out = Buffer.concat([...input].map((byte) => clear(Buffer.from([byte]))))
    expect([...out]).toEqual([0x81, 3, 0x61, 0x62, 0x63, 0x82, 5, 0xff, 0xff, 0xff, 0xff, 0xff])
  })
})
