// The TLS gateway variants of the seeded defects do exactly what their names say.
import type { PeerCertificate } from 'node:tls'
import { describe, expect, it } from 'vitest'
import {
  checkIdentity,
  gatewayStepsWith,
  originatorSteps,
  terminatorSteps,
} from '../../harness/reference/gateway/index.js'
import { originatorVariantOf, terminatorVariantOf } from './tls.js'

const cert = (subjectaltname: string | undefined, cn = 'localhost'): PeerCertificate =>
  ({ subject: { CN: cn }, ...(subjectaltname === undefined ? {} : { subjectaltname }) }) as never

/** The originator's identity check with the steps of seeded defect `name`. */
const checkWith = (name: string): typeof checkIdentity =>
  gatewayStepsWith(originatorSteps, originatorVariantOf(name)).checkServerIdentity

describe('the seeded identity-matching variants', () => {
  it('cn-fallback takes a matching CN, and only a matching one', () => {
    expect(checkWith('cn-fallback')('localhost', cert(undefined))).toBeUndefined()
    expect(checkWith('cn-fallback')('localhost', cert(undefined, 'other.test'))).toBeInstanceOf(
      Error,
    )
    expect(checkIdentity('localhost', cert(undefined))).toBeInstanceOf(Error)
  })

  it('glob-wildcards matches "*" inside a label, but not another name', () => {
    expect(checkWith('glob-wildcards')('localhost', cert('DNS:local*'))).toBeUndefined()
    expect(checkWith('glob-wildcards')('localhost', cert('DNS:wrong.test'))).toBeInstanceOf(Error)
  })

  it('wildcard-matches-parent lets *.name cover name', () => {
    expect(
      checkWith('wildcard-matches-parent')('localhost', cert('DNS:*.localhost')),
    ).toBeUndefined()
    expect(checkIdentity('localhost', cert('DNS:*.localhost'))).toBeInstanceOf(Error)
  })

  it('hostname-ignored accepts any name', () => {
    expect(checkWith('hostname-ignored')('localhost', cert('DNS:wrong.test', 'x'))).toBeUndefined()
  })
})

describe('the seeded connection variants', () => {
  const upstream = { address: '127.0.0.1', port: 1, name: 'origin.test', ca: 'PEM' }
  const optionsWith = (name: string) =>
    gatewayStepsWith(originatorSteps, originatorVariantOf(name)).tlsOptions(upstream)

  it('change only the setting their names say', () => {
    const reference = originatorSteps.tlsOptions(upstream)
    expect(reference).toMatchObject({ servername: 'origin.test', ca: 'PEM', minVersion: 'TLSv1.2' })
    expect(optionsWith('no-sni')).toEqual({ ...reference, servername: undefined })
    expect('servername' in optionsWith('no-sni')).toBe(false)
    expect('ca' in optionsWith('ignores-configured-ca')).toBe(false)
    expect(optionsWith('offers-h2c').ALPNProtocols).toEqual(['h2c', 'http/1.1'])
    expect(optionsWith('accepts-legacy-tls').minVersion).toBe('TLSv1')
  })

  it('alpn-echoes-client selects the client first protocol where the reference selects none', () => {
    const steps = gatewayStepsWith(terminatorSteps, terminatorVariantOf('alpn-echoes-client'))
    // The reference speaks h2 and http/1.1 (h2 first); spdy/3 and h2c it never selects.
    expect(terminatorSteps.selectAlpn(['spdy/3', 'h2c'])).toBeUndefined()
    expect(steps.selectAlpn(['spdy/3', 'h2c'])).toBe('spdy/3')
    expect(steps.selectAlpn(['spdy/3', 'http/1.1'])).toBe('http/1.1')
  })
})
