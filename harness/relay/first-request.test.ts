import { describe, expect, it } from 'vitest'
import { MAX_HEAD_BYTES, scanFirstRequest } from './first-request.js'
import { loopbackAddress } from './loopback-address.js'

describe('scanFirstRequest', () => {
  it('needs more bytes until the empty line', () => {
    expect(scanFirstRequest(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n'))).toEqual({
      kind: 'need-more',
    })
  })

  it('ends the request at the head, or after its Content-Length body', () => {
    const head = 'POST http://127.0.0.1:8080/a HTTP/1.0\r\nContent-Length: 7\r\nX: y\r\n\r\n'
    expect(scanFirstRequest(Buffer.from(`${head}1234567GET`))).toEqual({
      kind: 'head',
      method: 'POST',
      target: 'http://127.0.0.1:8080/a',
      headLength: head.length,
      totalLength: head.length + 7,
    })
    expect(scanFirstRequest(Buffer.from('GET / HTTP/1.0\n\nmore'))).toMatchObject({
      headLength: 16,
      totalLength: 16,
    })
  })

  it('gives up on a head that never ends or has no request line', () => {
    expect(scanFirstRequest(Buffer.alloc(MAX_HEAD_BYTES + 1, 0x61))).toMatchObject({
      kind: 'invalid',
    })
    expect(scanFirstRequest(Buffer.from('\r\n\r\n'))).toMatchObject({ kind: 'invalid' })
  })
})

describe('loopbackAddress', () => {
  it('dials loopback addresses only, and resolves localhost itself', () => {
    expect(loopbackAddress('localhost')).toBe('127.0.0.1')
    expect(loopbackAddress('LocalHost')).toBe('127.0.0.1')
    expect(loopbackAddress('127.0.0.1')).toBe('127.0.0.1')
    expect(loopbackAddress('127.1.2.3')).toBe('127.1.2.3')
    expect(loopbackAddress('[::1]')).toBe('::1')
    for (const host of [
      'example.com',
      '10.0.0.1',
      '0.0.0.0',
      '::',
      '[::ffff:10.0.0.1]',
      'localhost.example.com',
    ]) {
      expect(loopbackAddress(host)).toBeUndefined()
    }
  })
})
