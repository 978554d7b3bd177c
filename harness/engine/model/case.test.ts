import { describe, expect, it } from 'vitest'
import { appliesTo, defineCase, effectiveRoles, type ConformanceCase } from './case.js'
import { conforms } from './outcome.js'
import { httpRole, ROLES } from './roles.js'

const sample = (over: Partial<ConformanceCase> = {}): ConformanceCase =>
  defineCase({
    id: 'demo/sample',
    suite: 'demo',
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
    expect(effectiveRoles(c)).toEqual(['forward', 'reverse', 'tls-terminator'])
    expect(appliesTo(c, 'tls-terminator')).toBe(true)
    expect(appliesTo(c, 'tls-originator')).toBe(false)
    expect(appliesTo(c, 'tunnel')).toBe(false)
  })

  it('keeps a cleartextOnly reverse case out of tls-terminator, and in reverse', () => {
    const c = sample({ cleartextOnly: 'needs the cleartext port' })
    expect(effectiveRoles(c)).toEqual(['forward', 'reverse'])
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
    ])
    expect(effectiveRoles(sample({ roles: ['tls-terminator'] }))).toEqual(['tls-terminator'])
  })

  it('refuses a cleartextOnly without a reason or without the reverse role it limits', () => {
    expect(() => sample({ cleartextOnly: '' })).toThrow(/cleartextOnly/)
    expect(() => sample({ roles: ['forward'], cleartextOnly: 'why' })).toThrow(/cleartextOnly/)
  })

  it('grades a tls-terminator by the reverse (gateway) rules; other roles are themselves', () => {
    expect(ROLES.map(httpRole)).toEqual([
      'forward',
      'reverse',
      'reverse',
      'tls-originator',
      'tunnel',
    ])
  })
})
