import { describe, expect, it } from 'vitest'
import { isHttpDate } from './http-date.js'
import { httpDate } from './message-head.js'

describe('isHttpDate', () => {
  it('accepts the three formats of RFC 9110 §5.6.7', () => {
    expect(isHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(true)
    expect(isHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(true)
    expect(isHttpDate('Sun Nov  6 08:49:37 1994')).toBe(true)
    expect(isHttpDate(httpDate(new Date(0)))).toBe(true)
  })

  it('refuses anything else', () => {
    for (const value of [
      '',
      'yesterday',
      '1994-11-06T08:49:37Z',
      'Sun, 06 Nov 1994 08:49:37 UTC',
      'Sun, 6 Nov 1994 08:49:37 GMT',
      'Sun, 06 Nov 1994 25:49:37 GMT',
      'Sun, 06 Foo 1994 08:49:37 GMT',
    ]) {
      expect(isHttpDate(value), value).toBe(false)
    }
  })
})
