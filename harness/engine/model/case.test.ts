import { describe, expect, it } from 'vitest'
import { appliesTo, defineSuite, effectiveRoles, inSuite, type ConformanceCase } from './case.js'
import { conforms } from './outcome.js'
import { httpRole, ROLES } from './roles.js'

const sample = (over: Partial<ConformanceCase> = {}): ConformanceCase =>
  inSuite('demo', {
    id: 'sample',
    title: 'a sample',
    requirements: ['HOP-01'],
    spec: [{ rfc: 9110, section: '7.6.1' }],
    requirement: 'a sample rule',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: () => Promise.resolve(conforms()),
    ...over,
  })

describe('applicability (effectiveRoles, appliesTo)', () => {
  it('runs a reverse case as a tls-terminator too: a reverse proxy behind TLS', () => {
    const c = sample()
    expect(effectiveRoles(c)).toEqual(['forward', 'reverse', 'tls-terminator', 'balancer'])
    expect(appliesTo(c, 'tls-terminator')).toBe(true)
    expect(appliesTo(c, 'balancer')).toBe(true)
    expect(appliesTo(c, 'tls-originator')).toBe(false)
    expect(appliesTo(c, 'tunnel')).toBe(false)
  })

  it('keeps a cleartextOnly reverse case out of tls-terminator, and in reverse and balancer', () => {
    const c = sample({ cleartextOnly: 'needs the cleartext port' })
    expect(effectiveRoles(c)).toEqual(['forward', 'reverse', 'balancer'])
    expect(appliesTo(c, 'reverse')).toBe(true)
    expect(appliesTo(c, 'tls-terminator')).toBe(false)
  })

  it('adds nothing to a case without the reverse role, and lists a declared tls-terminator once', () => {
    expect(effectiveRoles(sample({ roles: ['forward', 'tunnel'] }))).toEqual(['forward', 'tunnel'])
    expect(effectiveRoles(sample({ roles: ['tls-originator'] }))).toEqual(['tls-originator'])
    expect(effectiveRoles(sample({ roles: ['forward', 'reverse', 'tls-terminator'] }))).toEqual([
      'forward',
      'reverse',
      'tls-terminator',
      'balancer',
    ])
    expect(effectiveRoles(sample({ roles: ['tls-terminator'] }))).toEqual(['tls-terminator'])
  })

  it('refuses a cleartextOnly without a reason or without the reverse role it limits', () => {
    expect(() => sample({ cleartextOnly: '' })).toThrow(/cleartextOnly/)
    expect(() => sample({ roles: ['forward'], cleartextOnly: 'why' })).toThrow(/cleartextOnly/)
  })

  it('grades a tls-terminator and a balancer by the reverse (gateway) rules; other roles are themselves', () => {
    expect(ROLES.map(httpRole)).toEqual([
      'forward',
      'reverse',
      'reverse',
      'tls-originator',
      'tunnel',
      'reverse',
      'ftp-gateway',
    ])
  })

  it('runs no HTTP case in the ftp-gateway role: a reverse or forward case never applies there', () => {
    expect(appliesTo({ roles: ['reverse'] }, 'ftp-gateway')).toBe(false)
    expect(appliesTo({ roles: ['forward'] }, 'ftp-gateway')).toBe(false)
    expect(effectiveRoles({ roles: ['ftp-gateway'] })).toEqual(['ftp-gateway'])
  })
})

describe('defineSuite', () => {
  it('stamps each case with the suite: suite set, id "<suite>/<slug>"', () => {
    const { cases } = defineSuite({
      id: 'connect',
      title: 'a suite',
      cases: [{ ...sample(), id: 'refuses-missing-or-invalid-port' }],
    })
    expect(cases.map((c) => [c.id, c.suite])).toEqual([
      ['connect/refuses-missing-or-invalid-port', 'connect'],
    ])
  })

  it('refuses a slug with a suite prefix, and a duplicate', () => {
    expect(() =>
      defineSuite({ id: 'connect', title: 't', cases: [{ ...sample(), id: 'connect/x' }] }),
    ).toThrow(/invalid case slug/)
    expect(() =>
      defineSuite({
        id: 'connect',
        title: 't',
        cases: [
          { ...sample(), id: 'x' },
          { ...sample(), id: 'x' },
        ],
      }),
    ).toThrow(/duplicate case id "connect\/x"/)
  })
})
