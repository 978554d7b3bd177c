import { createPrivateKey, X509Certificate } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isHarnessError } from '../net/errors.js'
import {
  createCertificateCorpus,
  disposeCertificateCorpus,
  getCertificateCorpus,
  getRunCaCertificate,
} from './certificate-factory.js'
import { CA_NAMES, CERT_NAMES } from './certificate-plan.js'
import {
  CERTIFICATE_PROFILES,
  type CertificateProfile,
  type OwnedCertificateCorpus,
} from './types.js'

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2'
// AlgorithmIdentifier ecdsa-with-SHA256 (1.2.840.10045.4.3.2), DER-encoded.
const ECDSA_SHA256 = Buffer.from('06082a8648ce3d040302', 'hex')

// Far from the real clock, so a window that followed Date.now() instead of the
// injected clock would show.
const NOW = Date.now() + 3 * 365 * 24 * 3_600_000

type Flaw =
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-host'
  | 'not-issued-by-run-ca'
  | 'self-signed'
  | 'no-server-auth'
  | 'ca'

/** Every way a leaf falls short of the 'valid' one, as node:crypto sees it. */
function flawsOf(leaf: X509Certificate, ca: X509Certificate, now: number): Flaw[] {
  const flaws: Flaw[] = []
  if (Date.parse(leaf.validTo) < now) flaws.push('expired')
  if (Date.parse(leaf.validFrom) > now) flaws.push('not-yet-valid')
  const coversAll =
    CERT_NAMES.dns.every((name) => leaf.checkHost(name) === name) &&
    CERT_NAMES.ip.every((ip) => leaf.checkIP(ip) === ip)
  if (!coversAll) flaws.push('wrong-host')
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) flaws.push('not-issued-by-run-ca')
  if (leaf.checkIssued(leaf) && leaf.verify(leaf.publicKey)) flaws.push('self-signed')
  if (!(leaf.keyUsage ?? []).includes(SERVER_AUTH)) flaws.push('no-server-auth')
  if (leaf.ca) flaws.push('ca')
  return flaws
}

const EXPECTED: Record<CertificateProfile, Flaw[]> = {
  valid: [],
  expired: ['expired'],
  'not-yet-valid': ['not-yet-valid'],
  'wrong-host': ['wrong-host'],
  'self-signed': ['not-issued-by-run-ca', 'self-signed'],
  'unknown-ca': ['not-issued-by-run-ca'],
  'no-server-auth': ['no-server-auth'],
  'ca-leaf': ['ca'],
  // Node's checkHost falls back to the CN when there is no SAN: it covers
  // localhost but not origin.test. The RFC 9525 matcher (harness/reference/gateway) does not.
  'cn-only': ['wrong-host'],
  'cn-match-san-mismatch': ['wrong-host'],
  'partial-wildcard': ['wrong-host'],
  'wildcard-for-parent': ['wrong-host'],
  'code-signing-only': ['no-server-auth'],
  // Issued by an issuer below the run CA: their flaw is in the chain, not the leaf.
  'via-intermediate': ['not-issued-by-run-ca'],
  'expired-intermediate': ['not-issued-by-run-ca'],
  'issued-by-end-entity': ['not-issued-by-run-ca'],
  'issued-by-ca-without-basic-constraints': ['not-issued-by-run-ca'],
  'issued-by-ca-without-cert-sign': ['not-issued-by-run-ca'],
  'beyond-path-length': ['not-issued-by-run-ca'],
}

describe('createCertificateCorpus', () => {
  let corpus: OwnedCertificateCorpus
  let ca: X509Certificate
  const x509 = (profile: CertificateProfile): X509Certificate =>
    new X509Certificate(corpus.leaf(profile).cert)

  beforeAll(async () => {
    const started = performance.now()
    corpus = await createCertificateCorpus({ now: () => NOW })
    const ms = (performance.now() - started).toFixed(0)
    console.log(`first certificate corpus (loads selfsigned, cold JIT): ${ms} ms`)
    ca = new X509Certificate(corpus.ca.cert)
  })
  afterAll(() => corpus.dispose())

  it.each(CERTIFICATE_PROFILES.map((profile) => [profile, EXPECTED[profile]] as const))(
    '%s has exactly the flaws %j',
    (profile, expected) => {
      expect(flawsOf(x509(profile), ca, NOW)).toEqual(expected)
    },
  )

  it('makes every certificate EC P-256 signed with ECDSA-SHA256', () => {
    for (const cert of [ca, ...CERTIFICATE_PROFILES.map(x509)]) {
      expect(cert.publicKey.asymmetricKeyType).toBe('ec')
      expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
      expect(cert.raw.includes(ECDSA_SHA256)).toBe(true)
    }
  })

  it('makes the run CA a CA valid around the injected clock, issued by itself', () => {
    expect(ca.ca).toBe(true)
    expect(ca.subject).toBe(`CN=${CA_NAMES.run}`)
    expect(ca.checkIssued(ca)).toBe(true)
    expect(Date.parse(ca.validFrom)).toBeLessThan(NOW)
    expect(Date.parse(ca.validTo)).toBeGreaterThan(NOW)
  })

  it('puts the valid leaf around the injected clock, not the real one', () => {
    const valid = x509('valid')
    expect(Date.parse(valid.validFrom)).toBeGreaterThan(Date.now() + 365 * 24 * 3_600_000)
    expect(Date.parse(valid.validFrom)).toBeLessThanOrEqual(NOW)
  })

  it('names the flaw precisely: the wrong host, the other CA, the client-only usage', () => {
    expect(x509('wrong-host').subjectAltName).toBe('DNS:wrong.test')
    expect(x509('unknown-ca').issuer).toBe(`CN=${CA_NAMES.untrusted}`)
    expect(x509('self-signed').issuer).toBe(x509('self-signed').subject)
    expect(x509('no-server-auth').keyUsage).toEqual([CLIENT_AUTH])
    expect(x509('valid').keyUsage).toEqual([SERVER_AUTH])
    expect(x509('cn-only').subjectAltName).toBeUndefined()
    expect(x509('cn-only').subject).toBe('CN=localhost')
    expect(x509('cn-match-san-mismatch').subjectAltName).toBe('DNS:wrong.test')
    expect(x509('partial-wildcard').subjectAltName).toBe('DNS:local*, DNS:origin*.test')
    expect(x509('via-intermediate').issuer).toBe(`CN=${CA_NAMES.intermediate}`)
    expect(x509('issued-by-end-entity').issuer).toBe(`CN=${CA_NAMES.endEntity}`)
  })

  it('serves a leaf under an issuer as a chain, leaf first, and the issuer as its kind says', () => {
    const chain = (profile: CertificateProfile): X509Certificate[] =>
      corpus
        .leaf(profile)
        .cert.split(/(?<=-----END CERTIFICATE-----\n?)/)
        .filter((pem) => pem.includes('BEGIN CERTIFICATE'))
        .map((pem) => new X509Certificate(pem))
    const [leaf, issuer] = chain('via-intermediate')
    if (leaf === undefined || issuer === undefined) expect.fail('via-intermediate is not a chain')
    expect(chain('via-intermediate')).toHaveLength(2)
    expect(leaf.checkIssued(issuer)).toBe(true)
    expect(issuer.checkIssued(ca)).toBe(true)
    expect(issuer.ca).toBe(true)
    const [, expired] = chain('expired-intermediate')
    expect(Date.parse(expired?.validTo ?? '')).toBeLessThan(NOW)
    const [, endEntity] = chain('issued-by-end-entity')
    expect(endEntity?.ca).toBe(false)
    expect(chain('valid')).toHaveLength(1)
    expect(chain('beyond-path-length')).toHaveLength(3)
  })

  it('gives every leaf its own key, which matches its certificate', () => {
    const fingerprints = new Set(CERTIFICATE_PROFILES.map((p) => x509(p).fingerprint256))
    expect(fingerprints.size).toBe(CERTIFICATE_PROFILES.length)
    for (const profile of CERTIFICATE_PROFILES) {
      expect(x509(profile).checkPrivateKey(createPrivateKey(corpus.leaf(profile).key))).toBe(true)
    }
  })

  it('writes the PEMs into a private dir (0700) as 0600 files, and no untrusted CA key', () => {
    expect(dirname(corpus.dir)).toBe(tmpdir())
    expect(statSync(corpus.dir).mode & 0o777).toBe(0o700)
    const expected = [
      'ca-cert.pem',
      ...CERTIFICATE_PROFILES.flatMap((p) => [`${p}-cert.pem`, `${p}-key.pem`]),
    ]
    expect(readdirSync(corpus.dir).sort()).toEqual(expected.sort())
    for (const name of expected) expect(statSync(`${corpus.dir}/${name}`).mode & 0o777).toBe(0o600)
    expect(readFileSync(corpus.ca.certPath, 'utf8')).toBe(corpus.ca.cert)
    const valid = corpus.leaf('valid')
    expect(readFileSync(valid.certPath, 'utf8')).toBe(valid.cert)
    expect(readFileSync(valid.keyPath, 'utf8')).toBe(valid.key)
    expect(valid.key).toContain('-----BEGIN PRIVATE KEY-----')
  })

  it('refuses an unknown profile with a harness error', () => {
    let thrown: unknown
    try {
      corpus.leaf('bogus' as CertificateProfile)
    } catch (error) {
      thrown = error
    }
    expect(isHarnessError(thrown, 'HARNESS_BAD_INPUT')).toBe(true)
  })
})

describe('getCertificateCorpus', () => {
  afterAll(disposeCertificateCorpus)

  it('is generated once per process and removed on dispose', async () => {
    const [first, second] = await Promise.all([getCertificateCorpus(), getCertificateCorpus()])
    expect(second).toBe(first)
    expect(await getRunCaCertificate()).toBe(first.ca.cert)
    expect(existsSync(first.dir)).toBe(true)

    await disposeCertificateCorpus()
    expect(existsSync(first.dir)).toBe(false)
    await disposeCertificateCorpus()

    const next = await getCertificateCorpus()
    expect(next.dir).not.toBe(first.dir)
    expect(next.ca.cert).not.toBe(first.ca.cert)
  })

  it('a disposed owned corpus is gone, and disposing again is harmless', async () => {
    const started = performance.now()
    const owned = await createCertificateCorpus()
    console.log(`warm certificate corpus: ${(performance.now() - started).toFixed(0)} ms`)
    owned.dispose()
    expect(existsSync(owned.dir)).toBe(false)
    expect(() => owned.dispose()).not.toThrow()
  })
})
