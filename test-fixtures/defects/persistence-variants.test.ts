// The keep-alive entries replace one persistence step each: every variant turns
// exactly the rule its step decides (the reference's answers are pinned next to
// the code, in harness/reference/proxy/persistence.test.ts).
import { describe, expect, it } from 'vitest'
import { requestHead, responseHead } from '../../harness/reference/proxy/head-fixtures.js'
import { withHeadLines } from '../../harness/reference/proxy/persistence.js'
import { stepsWith } from '../../harness/reference/proxy/steps/index.js'
import { variantOf } from './index.js'

const HEAD = Buffer.from('GET / HTTP/1.1\r\nHost: o\r\n\r\n', 'latin1')
const steps = (name: string) => stepsWith(variantOf(name))

describe('keep-alive variants', () => {
  it('the retry variants retry a non-idempotent request', () => {
    expect(steps('retries-non-idempotent-requests').mayRetry('POST', false)).toBe(true)
    expect(steps('retries-post-on-reused-connection').mayRetry('POST', true)).toBe(true)
    expect(steps('retries-post-on-reused-connection').mayRetry('POST', false)).toBe(false)
  })

  it('the leaking variants add their client persistence field', () => {
    const close = requestHead('GET / HTTP/1.1', 'Host: o', 'Connection: close')
    const http10 = requestHead('GET / HTTP/1.0', 'Connection: keep-alive', 'Keep-Alive: 300')
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
    expect(steps('closes-every-client-connection').clientMayPersist(plain)).toBe(false)
    expect(steps('ignores-client-close').clientMayPersist(close)).toBe(true)
    expect(steps('ignores-client-close').clientMayPersist(http10)).toBe(false)
    expect(steps('persists-with-http10-client').clientMayPersist(http10)).toBe(true)
    expect(steps('persists-with-http10-client').clientMayPersist(close)).toBe(false)
  })

  it('turns exactly one upstream-side rule with each variant', () => {
    const close = responseHead('HTTP/1.1 200 OK', 'Connection: close')
    const plain = responseHead('HTTP/1.1 200 OK')
    expect(steps('reuses-upstream-after-close').upstreamMayPersist(close, false)).toBe(true)
    expect(steps('reuses-upstream-after-close').upstreamMayPersist(close, true)).toBe(false)
    expect(steps('no-upstream-keep-alive').upstreamMayPersist(plain, false)).toBe(false)
  })

  it('separates closing from saying so on the final response', () => {
    const origin = responseHead('HTTP/1.1 200 OK', 'Connection: close')
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

  it('reorders, reads on, or keeps pipelining where the reference does not', () => {
    const get = requestHead('GET / HTTP/1.1', 'Host: h')
    const post = requestHead('POST / HTTP/1.1', 'Host: h', 'Content-Length: 3')
    expect(steps('reorders-pipelined-responses').handledInParallel(get)).toBe(get)
    expect(steps('parses-unread-body-as-next-request').readsOnAfterClose(post)).toBe(true)
    expect(steps('parses-unread-body-as-next-request').readsOnAfterClose(get)).toBe(false)
    expect(steps('continues-pipeline-after-failed-post').failureEndsPipeline('POST')).toBe(false)
  })
})
