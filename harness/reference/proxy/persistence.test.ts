// The keep-alive steps each take one decision; a variant of the pipeline (the
// keep-alive entries under test-fixtures) replaces one and turns exactly that rule.
import { describe, expect, it } from 'vitest'
import { variantOf } from '../../../test-fixtures/defects/index.js'
import { requestHead, responseHead } from './head-fixtures.js'
import { withHeadLines } from './persistence.js'
import { referenceSteps, stepsWith } from './steps/index.js'

const HEAD = Buffer.from('GET / HTTP/1.1\r\nHost: o\r\n\r\n', 'latin1')
const steps = (name: string) => stepsWith(variantOf(name))

describe('persistence steps and the variants that replace them', () => {
  it('retries only an idempotent request on a reused connection; the retry variants any', () => {
    expect(referenceSteps.mayRetry('GET', true)).toBe(true)
    expect(referenceSteps.mayRetry('GET', false)).toBe(false)
    expect(referenceSteps.mayRetry('POST', true)).toBe(false)
    expect(steps('retries-non-idempotent-requests').mayRetry('POST', false)).toBe(true)
    expect(steps('retries-post-on-reused-connection').mayRetry('POST', true)).toBe(true)
    expect(steps('retries-post-on-reused-connection').mayRetry('POST', false)).toBe(false)
  })

  it('forwards no client persistence field; the leaking variants add theirs', () => {
    const close = requestHead('GET / HTTP/1.1', 'Host: o', 'Connection: close')
    const http10 = requestHead('GET / HTTP/1.0', 'Connection: keep-alive', 'Keep-Alive: 300')
    expect(referenceSteps.inboundPersistenceLines(close)).toEqual([])
    expect(withHeadLines(HEAD, [])).toBe(HEAD)
    expect(steps('forwards-client-close-inbound').inboundPersistenceLines(http10)).toEqual([])
    expect(steps('forwards-client-close-inbound').inboundPersistenceLines(close)).toEqual([
      'Connection: close',
    ])
    const leaked = steps('forwards-keep-alive-from-http10-client').inboundPersistenceLines(http10)
    expect(withHeadLines(HEAD, leaked).toString()).toBe(
      'GET / HTTP/1.1\r\nHost: o\r\nConnection: keep-alive\r\nKeep-Alive: 300\r\n\r\n',
    )
  })

  it('turns exactly one client-side rule with each variant', () => {
    const plain = requestHead('GET / HTTP/1.1', 'Host: h')
    const close = requestHead('GET / HTTP/1.1', 'Host: h', 'Connection: close')
    const http10 = requestHead('GET / HTTP/1.0', 'Connection: keep-alive')
    expect(referenceSteps.clientMayPersist(plain)).toBe(true)
    expect(steps('closes-every-client-connection').clientMayPersist(plain)).toBe(false)
    expect(steps('ignores-client-close').clientMayPersist(close)).toBe(true)
    expect(steps('ignores-client-close').clientMayPersist(http10)).toBe(false)
    expect(steps('persists-with-http10-client').clientMayPersist(http10)).toBe(true)
    expect(steps('persists-with-http10-client').clientMayPersist(close)).toBe(false)
  })

  it('turns exactly one upstream-side rule with each variant', () => {
    const close = responseHead('HTTP/1.1 200 OK', 'Connection: close')
    const plain = responseHead('HTTP/1.1 200 OK')
    expect(referenceSteps.upstreamMayPersist(close, false)).toBe(false)
    expect(steps('reuses-upstream-after-close').upstreamMayPersist(close, false)).toBe(true)
    expect(steps('reuses-upstream-after-close').upstreamMayPersist(close, true)).toBe(false)
    expect(steps('no-upstream-keep-alive').upstreamMayPersist(plain, false)).toBe(false)
  })

  it('closes and says so after a close-delimited body or when the exchange must close', () => {
    const origin = responseHead('HTTP/1.1 200 OK', 'Connection: close')
    const close = { closes: true, saysClose: true }
    const keep = { closes: false, saysClose: false }
    expect(referenceSteps.finalResponseClose('chunked', false, origin)).toEqual(keep)
    expect(referenceSteps.finalResponseClose('close-delimited', false, origin)).toEqual(close)
    expect(referenceSteps.finalResponseClose('chunked', true, origin)).toEqual(close)
    const advertises = steps('advertises-origin-close-but-persists')
    expect(advertises.finalResponseClose('chunked', false, origin)).toEqual({
      closes: false,
      saysClose: true,
    })
    const omits = steps('omits-close-on-final-response')
    expect(omits.finalResponseClose('chunked', true, origin)).toEqual({
      closes: true,
      saysClose: false,
    })
  })

  it('answers pipelined requests in order and reads nothing after an ended exchange', () => {
    const get = requestHead('GET / HTTP/1.1', 'Host: h')
    const post = requestHead('POST / HTTP/1.1', 'Host: h', 'Content-Length: 3')
    expect(referenceSteps.handledInParallel(get)).toBeUndefined()
    expect(steps('reorders-pipelined-responses').handledInParallel(get)).toBe(get)
    expect(referenceSteps.readsOnAfterClose(post)).toBe(false)
    expect(steps('parses-unread-body-as-next-request').readsOnAfterClose(post)).toBe(true)
    expect(steps('parses-unread-body-as-next-request').readsOnAfterClose(get)).toBe(false)
    expect(referenceSteps.failureEndsPipeline('POST')).toBe(true)
    expect(referenceSteps.failureEndsPipeline('GET')).toBe(false)
    expect(steps('continues-pipeline-after-failed-post').failureEndsPipeline('POST')).toBe(false)
  })
})
