// The framing entries that replace a body-framing decision: each changes
// exactly that decision and leaves the reference's other answers alone.
import { describe, expect, it } from 'vitest'
import { requestHead, responseHead } from '../../harness/reference/proxy/head-fixtures.js'
import { referenceSteps, stepsWith } from '../../harness/reference/proxy/steps/index.js'
import { variantOf } from './index.js'

const steps = (name: string) => stepsWith(variantOf(name))

describe('framing variants', () => {
  const te = (codings: string) =>
    requestHead('POST / HTTP/1.1', 'Host: a', `Transfer-Encoding: ${codings}`)

  it('drops-unknown-transfer-coding skips the 501 only', () => {
    expect(referenceSteps.transferCodingRefusal(te('gzip, chunked'))?.status).toBe(501)
    const variant = steps('drops-unknown-transfer-coding')
    expect(variant.transferCodingRefusal(te('gzip, chunked'))).toBeUndefined()
    expect(variant.transferCodingRefusal(te('chunked, chunked'))?.status).toBe(400)
  })

  it('relabels-response-transfer-codings relays any coding', () => {
    const gzip = responseHead('HTTP/1.1 200 OK', 'Transfer-Encoding: gzip, chunked')
    expect(referenceSteps.responseCodingProblem('GET', gzip)).toMatch(/gzip/)
    expect(
      steps('relabels-response-transfer-codings').responseCodingProblem('GET', gzip),
    ).toBeUndefined()
  })

  it('frames-bodiless-responses frames 204 and 304 by their fields, HEAD and 1xx still bodiless', () => {
    const chunked = (status: string) =>
      responseHead(`HTTP/1.1 ${status}`, 'Transfer-Encoding: chunked')
    const variant = steps('frames-bodiless-responses')
    expect(referenceSteps.responseFraming('GET', chunked('304 Not Modified'))).toBe('none')
    expect(variant.responseFraming('GET', chunked('304 Not Modified'))).toBe('chunked')
    expect(variant.responseFraming('GET', chunked('204 No Content'))).toBe('chunked')
    expect(variant.responseFraming('HEAD', chunked('304 Not Modified'))).toBe('none')
    expect(variant.responseFraming('GET', chunked('100 Continue'))).toBe('none')
  })
})
