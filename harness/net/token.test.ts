import { describe, expect, it } from 'vitest'
import { requestTokenOf, TOKEN_FIELD, TokenSource } from './token.js'

describe('requestTokenOf', () => {
  const token = new TokenSource('abc123').next()

  it('reads the token from the first path segment', () => {
    expect(requestTokenOf({ target: `/${token}/x?q=1`, headers: [] })).toBe(token)
  })

  it('falls back to the token field where the target cannot carry it (OPTIONS *)', () => {
    expect(requestTokenOf({ target: '*', headers: [{ name: TOKEN_FIELD, value: token }] })).toBe(
      token,
    )
    expect(
      requestTokenOf({
        target: '*',
        headers: [{ name: 'x-proxyspec-token', value: ` ${token} ` }],
      }),
    ).toBe(token)
  })

  it('ignores a field value that is not a token, and prefers the target', () => {
    expect(requestTokenOf({ target: '*', headers: [{ name: TOKEN_FIELD, value: 'evil' }] })).toBe(
      undefined,
    )
    const other = new TokenSource('def456').next()
    expect(
      requestTokenOf({ target: `/${token}/`, headers: [{ name: TOKEN_FIELD, value: other }] }),
    ).toBe(token)
  })
})
