// The keep-alive steps each take one decision; the pipeline variants that
// replace them are tested under test-fixtures.
import { describe, expect, it } from 'vitest'
import { requestHead, responseHead } from './head-fixtures.js'
import { withHeadLines } from './persistence.js'
import { referenceSteps } from './steps/index.js'

const HEAD = Buffer.from('GET / HTTP/1.1\r\nHost: o\r\n\r\n', 'latin1')

describe('persistence steps', () => {
  it('retries only an idempotent request on a reused connection', () => {
    expect(referenceSteps.mayRetry('GET', true)).toBe(true)
    expect(referenceSteps.mayRetry('GET', false)).toBe(false)
    expect(referenceSteps.mayRetry('POST', true)).toBe(false)
  })

  it('forwards no client persistence field', () => {
    const close = requestHead('GET / HTTP/1.1', 'Host: o', 'Connection: close')
    expect(referenceSteps.inboundPersistenceLines(close)).toEqual([])
    expect(withHeadLines(HEAD, [])).toBe(HEAD)
  })

  it('persists with a client that asks nothing else', () => {
    expect(referenceSteps.clientMayPersist(requestHead('GET / HTTP/1.1', 'Host: h'))).toBe(true)
  })

  it('does not reuse an upstream connection after its Connection: close', () => {
    const close = responseHead('HTTP/1.1 200 OK', 'Connection: close')
    expect(referenceSteps.upstreamMayPersist(close, false)).toBe(false)
  })

  it('closes and says so after a close-delimited body or when the exchange must close', () => {
    const origin = responseHead('HTTP/1.1 200 OK', 'Connection: close')
    const close = { closes: true, saysClose: true }
    const keep = { closes: false, saysClose: false }
    expect(referenceSteps.finalResponseClose('chunked', false, origin)).toEqual(keep)
    expect(referenceSteps.finalResponseClose('close-delimited', false, origin)).toEqual(close)
    expect(referenceSteps.finalResponseClose('chunked', true, origin)).toEqual(close)
  })

  it('answers pipelined requests in order and reads nothing after an ended exchange', () => {
    const get = requestHead('GET / HTTP/1.1', 'Host: h')
    const post = requestHead('POST / HTTP/1.1', 'Host: h', 'Content-Length: 3')
    expect(referenceSteps.handledInParallel(get)).toBeUndefined()
    expect(referenceSteps.readsOnAfterClose(post)).toBe(false)
    expect(referenceSteps.failureEndsPipeline('POST')).toBe(true)
    expect(referenceSteps.failureEndsPipeline('GET')).toBe(false)
  })
})
