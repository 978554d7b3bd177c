import { describe, expect, it } from 'vitest'
import { conforms, observed, timedOut, unsupported, violates } from './outcome.js'
import { grade, isBlocking } from './verdict.js'

describe('grade', () => {
  it('fails a MUST violation, warns on a SHOULD one, and informs on an INFO one', () => {
    const outcome = violates('no X-Hop', 'X-Hop: 1')
    expect(grade('MUST', outcome)).toMatchObject({
      status: 'fail',
      expected: 'no X-Hop',
      observed: 'X-Hop: 1',
    })
    expect(grade('SHOULD', outcome).status).toBe('warn')
    expect(grade('INFO', outcome).status).toBe('info')
  })

  it('passes, informs, reports unsupported and timeouts whatever the level', () => {
    expect(grade('MUST', conforms()).status).toBe('pass')
    expect(grade('MUST', observed('used 502')).status).toBe('info')
    expect(grade('SHOULD', unsupported('no CONNECT')).status).toBe('unsupported')
    const timeout = grade('MUST', timedOut('the response', 812.4))
    expect(timeout.status).toBe('timeout')
    expect(timeout.message).toContain('812 ms')
  })
})

describe('isBlocking', () => {
  it('counts MUST failures and MUST timeouts, and SHOULD only in strict mode', () => {
    expect(isBlocking('MUST', 'fail')).toBe(true)
    expect(isBlocking('MUST', 'timeout')).toBe(true)
    expect(isBlocking('SHOULD', 'warn')).toBe(false)
    expect(isBlocking('SHOULD', 'warn', true)).toBe(true)
    expect(isBlocking('SHOULD', 'timeout')).toBe(false)
    expect(isBlocking('SHOULD', 'timeout', true)).toBe(true)
    expect(isBlocking('MUST', 'not-applicable')).toBe(false)
    expect(isBlocking('MUST', 'error')).toBe(false)
  })
})

describe('grade with a part-level violation', () => {
  it('grades at the weaker of the case level and the violated sentence', () => {
    expect(grade('MUST', violates('400', 'a reset', 'SHOULD')).status).toBe('warn')
    expect(grade('MUST', violates('502', '500', 'INFO')).status).toBe('info')
    expect(grade('SHOULD', violates('400', 'forwarded', 'MUST')).status).toBe('warn')
  })
})

describe('the CONTRACT level (a declared balancer profile, catalog §12.1)', () => {
  it('fails a deviation from the declaration and blocks on its timeout, warns in the statistical grey band', () => {
    expect(grade('CONTRACT', violates('weights 3:1:1', '1:1:1')).status).toBe('fail')
    expect(isBlocking('CONTRACT', 'timeout')).toBe(true)
    // A p-value in the grey band is graded at SHOULD: never above the case's own level.
    expect(grade('CONTRACT', violates('p >= 0.01', 'p = 0.004', 'SHOULD')).status).toBe('warn')
    expect(grade('SHOULD', violates('a', 'b', 'CONTRACT')).status).toBe('warn')
  })
})
