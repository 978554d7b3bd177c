import { describe, expect, it } from 'vitest'
import { substitutePlaceholders } from '../harness/engine/target/placeholders.js'
import { parseProxyAuth } from './command-run.js'
import { RUN_USAGE } from './usage.js'

describe('--proxy-auth', () => {
  it('splits USER:PASS at the first colon (the password may hold one)', () => {
    expect(parseProxyAuth('alice:se:cret')).toEqual({ user: 'alice', pass: 'se:cret' })
    expect(parseProxyAuth('bob:')).toEqual({ user: 'bob', pass: '' })
  })

  it('refuses a value with no user or no colon, in one line', () => {
    expect(() => parseProxyAuth('alice')).toThrow(/USER:PASS/)
    expect(() => parseProxyAuth(':pw')).toThrow(/USER:PASS/)
  })

  it('fills {proxy_user} {proxy_pass}, and says to declare them when they are not', () => {
    expect(
      substitutePlaceholders('p --user {proxy_user} --pass {proxy_pass}', {
        proxy_user: 'alice',
        proxy_pass: 'x:y',
      }),
    ).toBe('p --user alice --pass x:y')
    expect(() => substitutePlaceholders('p --pass {proxy_pass}', {})).toThrow(/--proxy-auth/)
  })

  it('is documented in run --help with its placeholders', () => {
    expect(RUN_USAGE).toContain('--proxy-auth USER:PASS')
    expect(RUN_USAGE).toContain('{proxy_user} {proxy_pass}')
  })
})
