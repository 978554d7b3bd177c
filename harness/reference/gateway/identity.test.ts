import type { PeerCertificate } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { checkIdentity, matchesDnsId, subjectAltNames } from './identity.js'

const cert = (subjectaltname: string | undefined, cn = 'localhost'): PeerCertificate =>
  ({ subject: { CN: cn }, ...(subjectaltname === undefined ? {} : { subjectaltname }) }) as never

describe('matchesDnsId (RFC 9525 §6.3)', () => {
  it.each([
    ['backend.test', 'backend.test', true],
    ['Backend.Test', 'backend.test', true],
    ['backend.test.', 'backend.test', true],
    ['backend.test', 'backend.test.evil', false],
    ['other.test', 'backend.test', false],
    ['bücher.test', 'xn--bcher-kva.test', true],
    ['a.wild.test', '*.wild.test', true],
    ['b.a.wild.test', '*.wild.test', false],
    ['wild.test', '*.wild.test', false],
    ['a.wild.test', 'a*.wild.test', false],
    ['a.wild.test', '*a.wild.test', false],
    ['a.wild.test', '*.*.test', false],
    ['a.wild.test', 'a.*.test', false],
    ['localhost', 'local*', false],
    ['localhost', '*', false],
  ])('%s against %s: %s', (reference, presented, expected) => {
    expect(matchesDnsId(reference, presented)).toBe(expected)
  })
})

describe('checkIdentity', () => {
  it('never falls back to the CN, with or without a SAN', () => {
    expect(checkIdentity('localhost', cert(undefined))).toBeInstanceOf(Error)
    expect(checkIdentity('localhost', cert('DNS:wrong.test'))).toBeInstanceOf(Error)
    expect(checkIdentity('localhost', cert('DNS:wrong.test, DNS:localhost'))).toBeUndefined()
  })

  it('matches an IP reference only against iPAddress entries, octet for octet', () => {
    expect(checkIdentity('127.0.0.1', cert('IP Address:127.0.0.1'))).toBeUndefined()
    expect(checkIdentity('127.0.0.1', cert('DNS:127.0.0.1'))).toBeInstanceOf(Error)
    expect(checkIdentity('127.0.0.1', cert('IP Address:127.0.0.2'))).toBeInstanceOf(Error)
    expect(checkIdentity('::1', cert('IP Address:0:0:0:0:0:0:0:1'))).toBeUndefined()
    expect(checkIdentity('127.0.0.1', cert('IP Address:::FFFF:127.0.0.1'))).toBeInstanceOf(Error)
  })

  it('reads quoted SAN entries as Node writes them', () => {
    expect(subjectAltNames(cert('DNS:"a,b.test", URI:http://x.test/, IP Address:::1'))).toEqual({
      dns: ['a,b.test'],
      ip: ['::1'],
    })
  })
})
