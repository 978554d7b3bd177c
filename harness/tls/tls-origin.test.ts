import { X509Certificate } from 'node:crypto'
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { request } from 'node:https'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { raceTimeout } from '../net/deadline.js'
import {
  createCertificateCorpus,
  disposeCertificateCorpus,
  getRunCaCertificate,
} from './certificate-factory.js'
import { startTlsOrigin } from './tls-origin.js'
import { probeTlsHandshake, type TlsProbeResult } from './tls-probe.js'
import type { CertificateProfile, OwnedCertificateCorpus, StartedTlsOrigin } from './types.js'

/**
 * What a Node 20 client trusting only the run CA says about each profile.
 * undefined: the handshake is authorized. Observed on OpenSSL 3.0, where
 * Node does not set X509_V_FLAG_X509_STRICT, so a CA:TRUE leaf passes.
 */
const VERDICTS: Record<CertificateProfile, string | undefined> = {
  valid: undefined,
  expired: 'CERT_HAS_EXPIRED',
  'not-yet-valid': 'CERT_NOT_YET_VALID',
  'wrong-host': 'ERR_TLS_CERT_ALTNAME_INVALID',
  'self-signed': 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'unknown-ca': 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'no-server-auth': 'INVALID_PURPOSE',
  'ca-leaf': undefined,
  // Node's own checkServerIdentity falls back to the CN when there is no SAN.
  'cn-only': undefined,
  'cn-match-san-mismatch': 'ERR_TLS_CERT_ALTNAME_INVALID',
  'partial-wildcard': 'ERR_TLS_CERT_ALTNAME_INVALID',
  'wildcard-for-parent': 'ERR_TLS_CERT_ALTNAME_INVALID',
  'code-signing-only': 'INVALID_PURPOSE',
  'via-intermediate': undefined,
  'expired-intermediate': 'CERT_HAS_EXPIRED',
  // OpenSSL 3.0 reports a cA=FALSE issuer as X509_V_ERR_UNSPECIFIED here, not INVALID_CA.
  'issued-by-end-entity': 'UNSPECIFIED',
  'issued-by-ca-without-basic-constraints': 'INVALID_CA',
  'issued-by-ca-without-cert-sign': 'UNSPECIFIED',
  'beyond-path-length': 'PATH_LENGTH_EXCEEDED',
}

describe('startTlsOrigin', () => {
  let corpus: OwnedCertificateCorpus
  let origin: StartedTlsOrigin
  const probe = (rejectUnauthorized: boolean): Promise<TlsProbeResult> =>
    probeTlsHandshake({
      port: origin.port,
      ca: corpus.ca.cert,
      rejectUnauthorized,
      timeoutMs: 5_000,
    })
  const fingerprintOf = (profile: CertificateProfile): string =>
    new X509Certificate(corpus.leaf(profile).cert).fingerprint256

  beforeAll(async () => {
    corpus = await createCertificateCorpus()
    origin = await startTlsOrigin({ corpus })
  })
  afterAll(async () => {
    await origin.close()
    corpus.dispose()
  })

  it.each(Object.entries(VERDICTS) as [CertificateProfile, string | undefined][])(
    '%s: a client trusting the run CA says %s',
    async (profile, verdict) => {
      origin.setProfile(profile)
      expect(origin.profile).toBe(profile)
      const strict = await probe(true)
      if (verdict === undefined) {
        expect(strict).toMatchObject({ kind: 'connected', authorized: true })
      } else {
        expect(strict).toMatchObject({ kind: 'rejected', code: verdict })
      }
      // Only to see which certificate came and what the verifier said about it.
      const lax = await probe(false)
      expect(lax).toMatchObject({
        kind: 'connected',
        authorized: verdict === undefined,
        authorizationError: verdict,
        peer: { fingerprint256: fingerprintOf(profile) },
      })
    },
  )

  it('presents a new profile on the next connection', async () => {
    origin.setProfile('valid')
    const before = await probe(false)
    origin.setProfile('unknown-ca')
    const after = await probe(false)
    if (before.kind !== 'connected' || after.kind !== 'connected') {
      expect.fail(`handshakes did not complete: ${JSON.stringify([before, after])}`)
    }
    expect(before.peer.fingerprint256).toBe(fingerprintOf('valid'))
    expect(after.peer.fingerprint256).toBe(fingerprintOf('unknown-ca'))
    expect(after.peer.fingerprint256).not.toBe(before.peer.fingerprint256)
  })

  it('refuses an unknown profile and keeps presenting the current one', async () => {
    origin.setProfile('expired')
    expect(() => origin.setProfile('bogus' as CertificateProfile)).toThrow(
      /unknown certificate profile/,
    )
    expect(origin.profile).toBe('expired')
    expect(await probe(true)).toMatchObject({ kind: 'rejected', code: 'CERT_HAS_EXPIRED' })
  })

  it('is the origin engine behind TLS: it answers HTTPS and records the request', async () => {
    origin.setProfile('valid')
    const before = origin.requests().length
    const req = request(`${origin.url}/tls-origin-check`, { ca: corpus.ca.cert, agent: false })
    req.end()
    const response = await raceTimeout('HTTPS response', once(req, 'response'), 5_000)
    if (!Array.isArray(response)) expect.fail('no HTTPS response within 5 s')
    const res = response[0] as IncomingMessage
    res.resume()
    await raceTimeout('response end', once(res, 'end'), 5_000)
    expect(origin.url).toBe(`https://127.0.0.1:${origin.port}`)
    expect(res.statusCode).toBe(200)
    expect(origin.requests().length).toBe(before + 1)
    expect(origin.requests().at(-1)?.message.head.target).toBe('/tls-origin-check')
  })
})

describe('startTlsOrigin with the shared corpus', () => {
  afterAll(disposeCertificateCorpus)

  it('presents the valid leaf by default, verifiable with the run CA; close() is idempotent', async () => {
    const origin = await startTlsOrigin()
    try {
      expect(origin.profile).toBe('valid')
      const result = await probeTlsHandshake({
        port: origin.port,
        ca: await getRunCaCertificate(),
        rejectUnauthorized: true,
        timeoutMs: 5_000,
      })
      expect(result).toMatchObject({ kind: 'connected', authorized: true })
    } finally {
      await origin.close()
      await origin.close()
    }
  })
})
