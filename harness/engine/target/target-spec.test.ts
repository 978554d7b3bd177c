import { describe, expect, it } from 'vitest'
import { substitutePlaceholders } from './placeholders.js'
import { BUILTIN_ROLES, parseRole, parseTarget, resolveRoles } from './target-spec.js'

describe('parseTarget', () => {
  it('knows the built-ins and loopback URLs', () => {
    expect(parseTarget('builtin:reference')).toMatchObject({ kind: 'builtin', name: 'reference' })
    expect(parseTarget('http://127.0.0.1:3128')).toMatchObject({
      kind: 'url',
      host: '127.0.0.1',
      port: 3128,
    })
    expect(parseTarget('http://localhost:8080')).toMatchObject({
      kind: 'url',
      host: '127.0.0.1',
      port: 8080,
    })
    expect(parseTarget('http://[::1]:8080')).toMatchObject({ kind: 'url', host: '::1', port: 8080 })
  })

  it('knows the real peers and names them when refusing', () => {
    expect(parseTarget('peer:squid')).toEqual({ kind: 'peer', name: 'squid', label: 'peer:squid' })
    expect(() => parseTarget('peer:envoy')).toThrow(/unknown peer.*peer:nginx, peer:squid/)
    expect(parseTarget('peer:squid:chained')).toEqual({
      kind: 'peer',
      name: 'squid',
      profile: 'chained',
      label: 'peer:squid:chained',
    })
    expect(() => parseTarget('peer:squid:sideways')).toThrow(/unknown profile "sideways"/)
    expect(() => parseTarget('peer:tinyproxy:direct')).toThrow(/peer:tinyproxy has no profiles/)
    expect(() => parseTarget('peer:squid:direct:x')).toThrow(/unknown peer/)
  })

  it('refuses malformed, portless, unknown and off-machine targets with one clear line', () => {
    expect(() => parseTarget('127.0.0.1:3128')).toThrow(/malformed target/)
    expect(() => parseTarget('http://127.0.0.1')).toThrow(/port explicitly/)
    expect(() => parseTarget('builtin:nope')).toThrow(/unknown built-in target/)
    expect(() => parseTarget('http://10.0.0.1:3128')).toThrow(/not on loopback/)
    expect(() => parseTarget('ftp://127.0.0.1:21')).toThrow(/http/)
  })
})

describe('parseRole', () => {
  it('accepts the five roles and names them when refusing', () => {
    expect(parseRole('tls-originator')).toBe('tls-originator')
    expect(() => parseRole('gateway')).toThrow(
      /forward, reverse, tls-terminator, tls-originator, tunnel/,
    )
  })
})

describe('substitutePlaceholders', () => {
  it('fills known placeholders and refuses unknown ones', () => {
    expect(
      substitutePlaceholders('p --port {port} --up {origin}', { port: '1', origin: 'o:2' }),
    ).toBe('p --port 1 --up o:2')
    expect(() => substitutePlaceholders('p {nope}', { port: '1' })).toThrow(
      /unknown placeholder \{nope\}/,
    )
  })
})

describe('resolveRoles', () => {
  it('gives a built-in its roles, and the --role flags when given', () => {
    const reference = parseTarget('builtin:reference')
    expect(resolveRoles(reference, [])).toEqual(BUILTIN_ROLES.reference)
    expect(resolveRoles(parseTarget('builtin:blind-relay'), [])).toEqual(['forward', 'reverse'])
    expect(resolveRoles(reference, ['tunnel'])).toEqual(['tunnel'])
  })

  it("gives a peer its profile's roles (the default profile when none is named)", () => {
    expect(resolveRoles(parseTarget('peer:nginx'), [])).toEqual([
      'reverse',
      'tls-terminator',
      'tls-originator',
      'balancer',
    ])
    expect(resolveRoles(parseTarget('peer:varnish'), [])).toEqual(['balancer', 'reverse'])
    expect(resolveRoles(parseTarget('peer:squid'), [])).toEqual([
      'forward',
      'reverse',
      'ftp-gateway',
    ])
    expect(resolveRoles(parseTarget('peer:squid:chained'), [])).toEqual(['forward'])
    expect(resolveRoles(parseTarget('peer:squid:chained'), ['reverse'])).toEqual(['reverse'])
  })

  it('takes the --role flags for a URL or a spawned command, and refuses none', () => {
    const url = parseTarget('http://127.0.0.1:3128')
    expect(resolveRoles(url, ['forward', 'reverse'])).toEqual(['forward', 'reverse'])
    expect(() => resolveRoles(url, [])).toThrow(/--role is required with --target URL/)
    const spawn = { kind: 'spawn', command: 'x {port}', label: 'spawn: x {port}' } as const
    expect(() => resolveRoles(spawn, [])).toThrow(/--role is required with --spawn/)
  })
})

describe('the ftp-gateway role', () => {
  it('is a role --role takes', () => {
    expect(parseRole('ftp-gateway')).toBe('ftp-gateway')
    expect(() => parseRole('ftp')).toThrow(/unknown role "ftp" \(known: .*ftp-gateway/)
  })

  it('is played by squid and apache', () => {
    expect(resolveRoles(parseTarget('peer:apache'), [])).toContain('ftp-gateway')
    expect(resolveRoles(parseTarget('peer:squid:chained'), [])).not.toContain('ftp-gateway')
  })
})
