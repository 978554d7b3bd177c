import { describe, expect, it } from 'vitest'
import { encodeChunk, lastChunk } from './chunked.js'
import { clientFraming, requestFraming, responseFraming } from './framing.js'
import { requestHead, responseHead } from './head-fixtures.js'
import { maxForwards } from './max-forwards.js'
import { clientMayPersist, isIdempotent, upstreamMayPersist } from './persistence.js'
import { referenceSteps } from './steps/index.js'

describe('persistence', () => {
  it('persists only with HTTP/1.1 clients that did not say close (KA-05)', () => {
    expect(clientMayPersist(requestHead('GET / HTTP/1.1', 'Host: h'))).toBe(true)
    expect(
      clientMayPersist(requestHead('GET / HTTP/1.1', 'Host: h', 'Connection: foo, Close')),
    ).toBe(false)
    expect(clientMayPersist(requestHead('GET / HTTP/1.0', 'Connection: keep-alive'))).toBe(false)
  })

  it('reuses an upstream only after a self-delimited 1.1 response without close, or 1.0 with keep-alive (KA-04)', () => {
    expect(upstreamMayPersist(responseHead('HTTP/1.1 200 OK'), false)).toBe(true)
    expect(upstreamMayPersist(responseHead('HTTP/1.1 200 OK'), true)).toBe(false)
    expect(upstreamMayPersist(responseHead('HTTP/1.1 200 OK', 'Connection: close'), false)).toBe(
      false,
    )
    expect(upstreamMayPersist(responseHead('HTTP/1.0 200 OK'), false)).toBe(false)
    expect(
      upstreamMayPersist(responseHead('HTTP/1.0 200 OK', 'Connection: Keep-Alive'), false),
    ).toBe(true)
  })

  it('retries only idempotent methods (KA-11)', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'].every(isIdempotent)).toBe(true)
    expect(['POST', 'PATCH', 'CONNECT'].some(isIdempotent)).toBe(false)
  })
})

describe('framing', () => {
  it('reads request and response framing the way RFC 9112 §6.3 orders it', () => {
    expect(requestFraming(requestHead('POST / HTTP/1.1', 'Transfer-Encoding: chunked'))).toBe(
      'chunked',
    )
    expect(requestFraming(requestHead('POST / HTTP/1.1', 'Content-Length: 0'))).toBe(
      'content-length',
    )
    expect(requestFraming(requestHead('GET / HTTP/1.1'))).toBe('none')
    expect(responseFraming('HEAD', responseHead('HTTP/1.1 200 OK', 'Content-Length: 5'))).toBe(
      'none',
    )
    expect(
      responseFraming(
        'GET',
        responseHead('HTTP/1.1 304 Not Modified', 'Transfer-Encoding: chunked'),
      ),
    ).toBe('none')
    expect(responseFraming('GET', responseHead('HTTP/1.1 200 OK', 'Transfer-Encoding: gzip'))).toBe(
      'close-delimited',
    )
    expect(
      responseFraming('GET', responseHead('HTTP/1.1 200 OK', 'Transfer-Encoding: gzip, chunked')),
    ).toBe('chunked')
    expect(responseFraming('GET', responseHead('HTTP/1.1 200 OK'))).toBe('close-delimited')
  })

  it('never chunks toward HTTP/1.0 and chunks a close-delimited body toward HTTP/1.1 (KA-07)', () => {
    expect(clientFraming('chunked', 0)).toBe('close-delimited')
    expect(clientFraming('close-delimited', 1)).toBe('chunked')
    expect(clientFraming('content-length', 0)).toBe('content-length')
  })

  it('encodes chunks and forwards only harmless trailers', () => {
    expect(encodeChunk(Buffer.from('hello world!')).toString()).toBe('c\r\nhello world!\r\n')
    expect(encodeChunk(Buffer.alloc(0))).toHaveLength(0)
    const trailers = responseHead(
      'HTTP/1.1 200 OK',
      'X-Sum: abc',
      'Content-Length: 0',
      'Connection: close',
    ).headers
    expect(lastChunk(trailers).toString()).toBe('0\r\nX-Sum: abc\r\n\r\n')
  })
})

describe('maxForwards', () => {
  const decide = (method: string, value?: string) =>
    maxForwards(
      requestHead(
        `${method} / HTTP/1.1`,
        'Host: h',
        ...(value === undefined ? [] : [`Max-Forwards: ${value}`]),
      ),
      false,
      referenceSteps,
    )

  it('answers OPTIONS and TRACE at 0 and decrements without overflow otherwise (HOP-06, HOP-07)', () => {
    expect(decide('OPTIONS', '0').kind).toBe('answer')
    const trace = decide('TRACE', '0')
    expect(trace.kind === 'answer' && trace.response.toString('latin1')).toContain(
      'Content-Type: message/http',
    )
    expect(decide('OPTIONS', '1')).toEqual({ kind: 'forward', value: '0' })
    expect(decide('TRACE', '012')).toEqual({ kind: 'forward', value: '11' })
    expect(decide('OPTIONS', '123456789012345678901')).toEqual({
      kind: 'forward',
      value: '123456789012345678900',
    })
    expect(decide('OPTIONS')).toEqual({ kind: 'forward' })
    expect(decide('GET', '0')).toEqual({ kind: 'forward' })
  })
})
