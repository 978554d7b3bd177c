import { describe, expect, it } from 'vitest'
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'
import type { HeaderField } from '../../wire/types.js'
import { newBackend } from './backend.js'
import { forwardedCookie, stickyBackend, stickyCookieFor, withStickyCookie } from './sticky.js'

const field = (name: string, value: string): HeaderField => ({
  name,
  value,
  raw: Buffer.from(`${name}: ${value}`, 'latin1'),
})
const profile: BalancerProfile = {
  policy: 'round-robin',
  sticky: { cookie: 'SRV', mode: 'insert', indirect: true },
}
const backends = [0, 1, 2].map((i) =>
  newBackend({ address: '127.0.0.1', port: 1000 + i }, i, false, profile, true),
)
const request = (cookie?: string): Parameters<typeof stickyBackend>[1] => ({
  clientAddress: '127.0.0.1',
  head: {
    kind: 'request',
    method: 'GET',
    target: '/',
    version: 'HTTP/1.1',
    headers: cookie === undefined ? [] : [field('Cookie', cookie)],
    raw: Buffer.alloc(0),
    anomalies: [],
  },
})

describe('persistence cookie steps', () => {
  it('pins to the named candidate, leaves others to the policy, refuses under nofailover', () => {
    expect(stickyBackend(profile, request('a=1; SRV=s2'), backends)).toBe(backends[1])
    expect(stickyBackend(profile, request('SRV=s2'), [backends[0]!])).toBeUndefined()
    const strict = { ...profile, sticky: { ...profile.sticky!, nofailover: true } }
    expect(stickyBackend(strict, request('SRV=s2'), [backends[0]!])).toBe('refuse')
    expect(stickyBackend({ policy: 'round-robin' }, request('SRV=s2'), backends)).toBeUndefined()
  })

  it('sets the cookie only when the request lacks the right one, on a line of its own', () => {
    expect(stickyCookieFor(profile, request('SRV=s1'), backends[0]!)).toBeUndefined()
    const line = stickyCookieFor(profile, request('SRV=s9'), backends[0]!)
    expect(line).toBe('SRV=s1; Path=/; HttpOnly')
    const origin = [field('Set-Cookie', 'z=1'), field('Set-Cookie', 'a=2')]
    expect(withStickyCookie(origin, line!).map((f) => f.value)).toEqual(['z=1', 'a=2', line])
  })

  it('strips only its cookie in indirect mode, the others byte for byte', () => {
    const out = forwardedCookie(profile, [field('Cookie', 'pref=1; o=x;SRV=s2; late=z')])
    expect(out.map((f) => f.raw.toString('latin1'))).toEqual(['Cookie: pref=1; o=x; late=z'])
    expect(forwardedCookie(profile, [field('Cookie', 'SRV=s2')])).toEqual([])
    const plain = [field('Cookie', 'SRV=s2')]
    expect(forwardedCookie({ ...profile, sticky: { cookie: 'SRV' } }, plain)).toBe(plain)
  })
})
