import { describe, expect, it } from 'vitest'
import { apr1, htpasswdLine } from './htpasswd.js'

describe('apr1', () => {
  it('matches what `htpasswd -m` writes', () => {
    // htpasswd -nbm u p
    expect(apr1('p', 'ozXe67NS')).toBe('$apr1$ozXe67NS$pJEg8lZJcDcqsuWmCvLDD.')
  })
  it('writes a line with the user and a salted hash, never the password', () => {
    const line = htpasswdLine('someone', 'pa:ss-word')
    expect(line).toMatch(/^someone:\$apr1\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{22}\n$/)
    expect(line).not.toContain('pa:ss-word')
  })
})

describe('apr1 with a long password', () => {
  it('matches htpasswd for a password longer than 16 bytes with a colon', () => {
    // htpasswd -nbm u 'a much longer password: with colon'
    expect(apr1('a much longer password: with colon', 'wsACo0FJ')).toBe(
      '$apr1$wsACo0FJ$6aoEdQ5VARvYKez1kHrc8/',
    )
  })
})
