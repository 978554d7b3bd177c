import { describe, expect, it } from 'vitest'
import { CLIENT_PREFACE, ERROR_CODE, FLAG, SETTING } from './constants.js'
import {
  describeFrameHeader,
  encodeFrame,
  FrameParser,
  type Frame,
  type FrameSpec,
} from './frames.js'

const parseAll = (bytes: Buffer, chunk = bytes.length): Frame[] => {
  const parser = new FrameParser()
  const out: Frame[] = []
  for (let at = 0; at < bytes.length; at += chunk) {
    out.push(...parser.push(bytes.subarray(at, at + chunk)).map((p) => p.frame))
  }
  expect(parser.pending).toBe(0)
  return out
}

const priority = { exclusive: true, dependsOn: 3, weight: 15 }

describe('frames', () => {
  it('writes the 9-octet header byte-exact (RFC 9113 §4.1)', () => {
    const bytes = encodeFrame({ kind: 'DATA', streamId: 1, data: 'hello', endStream: true })
    expect(bytes.toString('hex')).toBe(
      '000005' + '00' + '01' + '00000001' + Buffer.from('hello').toString('hex'),
    )
    const headers = encodeFrame({
      kind: 'HEADERS',
      streamId: 3,
      fragment: Buffer.from([0x82]),
      padLength: 2,
      priority,
    })
    // PADDED|PRIORITY|END_HEADERS, then pad length, E+dependency, weight, fragment, padding.
    expect(headers.toString('hex')).toBe(
      '000009' + '01' + '2c' + '00000003' + '02' + '80000003' + '0f' + '82' + '0000',
    )
  })

  it('round-trips every frame type through the parser, one byte at a time', () => {
    const specs: FrameSpec[] = [
      { kind: 'DATA', streamId: 1, data: 'abc', padLength: 4, endStream: true },
      {
        kind: 'HEADERS',
        streamId: 1,
        fragment: Buffer.from('8286', 'hex'),
        endStream: true,
        priority,
        padLength: 1,
      },
      { kind: 'PRIORITY', streamId: 5, priority },
      { kind: 'RST_STREAM', streamId: 1, errorCode: ERROR_CODE.PROTOCOL_ERROR },
      {
        kind: 'SETTINGS',
        settings: [
          [SETTING.ENABLE_CONNECT_PROTOCOL, 1],
          [SETTING.MAX_FRAME_SIZE, 16_384],
        ],
      },
      { kind: 'SETTINGS', ack: true },
      {
        kind: 'RAW',
        type: 0x5,
        flags: FLAG.END_HEADERS,
        streamId: 1,
        payload: Buffer.from('0000000282', 'hex'),
      },
      { kind: 'PING', opaque: Buffer.from('0102030405060708', 'hex') },
      { kind: 'PING', ack: true },
      { kind: 'GOAWAY', lastStreamId: 7, errorCode: ERROR_CODE.ENHANCE_YOUR_CALM, debug: 'bye' },
      { kind: 'WINDOW_UPDATE', streamId: 0, increment: 1000 },
      { kind: 'HEADERS', streamId: 9, fragment: Buffer.from('82', 'hex'), endHeaders: false },
      { kind: 'CONTINUATION', streamId: 9, fragment: Buffer.from('86', 'hex') },
      { kind: 'RAW', type: 0xfa, flags: 0xff, streamId: 3, payload: 'x' },
    ]
    const bytes = Buffer.concat(specs.map(encodeFrame))
    const frames = parseAll(bytes, 1)
    expect(frames.map((f) => f.kind)).toEqual([
      'DATA',
      'HEADERS',
      'PRIORITY',
      'RST_STREAM',
      'SETTINGS',
      'SETTINGS',
      'PUSH_PROMISE',
      'PING',
      'PING',
      'GOAWAY',
      'WINDOW_UPDATE',
      'HEADERS',
      'CONTINUATION',
      'UNKNOWN',
    ])
    const [data, headers, prio, rst, settings, ack, push, ping, pingAck, goaway, window, , cont] =
      frames
    expect(data).toMatchObject({ data: Buffer.from('abc'), padLength: 4 })
    expect(data?.header.flags).toBe(FLAG.END_STREAM | FLAG.PADDED)
    expect(headers).toMatchObject({ fragment: Buffer.from('8286', 'hex'), priority, padLength: 1 })
    expect(prio).toMatchObject({ priority })
    expect(rst).toMatchObject({ errorCode: ERROR_CODE.PROTOCOL_ERROR })
    expect(settings).toMatchObject({
      ack: false,
      settings: [
        [8, 1],
        [5, 16_384],
      ],
    })
    expect(ack).toMatchObject({ ack: true, settings: [] })
    expect(push).toMatchObject({ promisedStreamId: 2, fragment: Buffer.from([0x82]) })
    expect(ping).toMatchObject({ ack: false, opaque: Buffer.from('0102030405060708', 'hex') })
    expect(pingAck).toMatchObject({ ack: true })
    expect(goaway).toMatchObject({ lastStreamId: 7, errorCode: 0xb, debug: Buffer.from('bye') })
    expect(window).toMatchObject({ increment: 1000 })
    expect(cont).toMatchObject({ fragment: Buffer.from([0x86]) })
    expect(describeFrameHeader(headers!.header)).toBe(
      'HEADERS stream=1 flags=END_STREAM|END_HEADERS|PADDED|PRIORITY (0x2d) len=9',
    )
  })

  it('sends what a conformant endpoint never would: lying length, reserved bit, overridden flags', () => {
    const bytes = encodeFrame({ kind: 'PING', streamId: 1, flags: 0xff, reserved: true, length: 4 })
    expect(bytes.subarray(0, 9).toString('hex')).toBe('000004' + '06' + 'ff' + '80000001')
    // The parser takes the length at its word: a 4-octet PING is MALFORMED, the rest is the next frame's.
    const [frame] = parseAll(bytes.subarray(0, 13))
    expect(frame).toMatchObject({ kind: 'MALFORMED', problem: 'PING of 4 octets' })
    expect(frame?.header.reserved).toBe(true)
  })

  it('reports padding longer than the payload as MALFORMED, without throwing', () => {
    const bytes = encodeFrame({
      kind: 'RAW',
      type: 0,
      flags: FLAG.PADDED,
      streamId: 1,
      payload: Buffer.from([9, 1, 2]),
    })
    expect(parseAll(bytes)[0]).toMatchObject({ kind: 'MALFORMED' })
  })

  it('checks the client preface on the server side', () => {
    const good = new FrameParser({ expectPreface: true })
    const frames = good.push(Buffer.concat([CLIENT_PREFACE, encodeFrame({ kind: 'SETTINGS' })]))
    expect(frames.map((f) => f.frame.kind)).toEqual(['SETTINGS'])
    const bad = new FrameParser({ expectPreface: true })
    expect(bad.push(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual([])
    expect(bad.prefaceError?.toString()).toBe('GET / HTTP/1.1\r\n')
  })
})
