import type { CertificateProfile } from './types.js'

/**
 * What each certificate in the corpus should look like, as plain data. The
 * factory turns this into certificates; keeping the plan free of the
 * generator library lets the tests read the intent next to the result.
 */

/** The names the 'valid' leaf covers (and every other leaf but 'wrong-host'). */
export const CERT_NAMES: { readonly dns: readonly string[]; readonly ip: readonly string[] } = {
  dns: ['localhost', 'origin.test'],
  ip: ['127.0.0.1', '::1'],
}

/**
 * The name a tls-terminator serves and the harness client asks for (SNI and
 * the identity it checks): the {cert} leaf covers it (as CERT_NAMES lists).
 */
export const TERMINATOR_NAME = 'localhost'

/**
 * Who signs a certificate: the run CA, a second CA that nobody trusts, the
 * leaf itself, or one of three issuers below the run CA: a proper
 * intermediate CA, one that expired, and an end entity (cA=FALSE) posing as
 * an intermediate. A leaf under an intermediate is served with it (a chain).
 */
export type Signer =
  | 'run-ca'
  | 'untrusted-ca'
  | 'self'
  | 'intermediate'
  | 'expired-intermediate'
  | 'end-entity'
  | 'no-basic-constraints'
  | 'no-cert-sign'
  | 'beyond-path-length'

export interface Validity {
  readonly notBefore: Date
  readonly notAfter: Date
}

export interface LeafPlan {
  readonly commonName: string
  readonly dns: readonly string[]
  readonly ip: readonly string[]
  readonly extendedKeyUsage: 'serverAuth' | 'clientAuth' | 'codeSigning'
  /** basicConstraints CA flag. */
  readonly ca: boolean
  /** The keyUsage extension, or undefined to leave it out. */
  readonly keyUsage: readonly ('digitalSignature' | 'keyCertSign')[] | undefined
  readonly signer: Signer
  readonly validity: (now: number) => Validity
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * A good leaf's window starts an hour back so a target whose clock runs a
 * little behind ours (a container, a VM) still sees it as valid.
 */
const current = (now: number): Validity => ({
  notBefore: new Date(now - HOUR),
  notAfter: new Date(now + 30 * DAY),
})

/** Both CAs cover every leaf window, so only the leaf's own flaw shows. */
export const caValidity = (now: number): Validity => ({
  notBefore: new Date(now - 60 * DAY),
  notAfter: new Date(now + 90 * DAY),
})

const good: LeafPlan = {
  commonName: 'localhost',
  dns: CERT_NAMES.dns,
  ip: CERT_NAMES.ip,
  extendedKeyUsage: 'serverAuth',
  ca: false,
  // ECDSA keys sign the handshake; keyEncipherment is an RSA-only usage.
  keyUsage: ['digitalSignature'],
  signer: 'run-ca',
  validity: current,
}

/** Each profile is the good leaf with exactly one flaw, which its name says. */
export const LEAF_PLANS: Readonly<Record<CertificateProfile, LeafPlan>> = {
  valid: good,
  expired: {
    ...good,
    validity: (now) => ({ notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) }),
  },
  'not-yet-valid': {
    ...good,
    validity: (now) => ({ notBefore: new Date(now + DAY), notAfter: new Date(now + 30 * DAY) }),
  },
  'wrong-host': { ...good, commonName: 'wrong.test', dns: ['wrong.test'], ip: [] },
  // OpenSSL counts a certificate as self-signed only if its keyUsage, when
  // present, allows keyCertSign (X509_check_issued); without keyUsage, as most
  // self-signed server certificates are, a verifier sees "self-signed".
  'self-signed': { ...good, signer: 'self', keyUsage: undefined },
  'unknown-ca': { ...good, signer: 'untrusted-ca' },
  'no-server-auth': { ...good, extendedKeyUsage: 'clientAuth' },
  // A CA certificate served as the leaf: OpenSSL's X509_check_ca ignores
  // CA:TRUE unless keyUsage (when present) also allows keyCertSign.
  'ca-leaf': { ...good, ca: true, keyUsage: ['digitalSignature', 'keyCertSign'] },
  // RFC 9525 §6.2: no SAN at all, the host only in the subject CN; a verifier
  // that falls back to the CN (RFC 2818 did, RFC 9525 forbids) accepts it.
  'cn-only': { ...good, dns: [], ip: [] },
  // RFC 9525 §6.2 again: the CN names the host but the SAN does not, so a
  // verifier that tries the CN when the SAN fails accepts it.
  'cn-match-san-mismatch': { ...good, dns: ['wrong.test'], ip: [] },
  // RFC 9525 §6.3: a wildcard counts only as the whole left-most label, so
  // "local*" is no identifier at all; glob-style matchers accept it.
  'partial-wildcard': { ...good, dns: ['local*', 'origin*.test'], ip: [] },
  // RFC 9525 §6.3: "*." stands for exactly one label, so *.localhost does not cover localhost.
  'wildcard-for-parent': { ...good, dns: ['*.localhost', '*.origin.test'], ip: [] },
  // RFC 5280 §4.2.1.12: an EKU without serverAuth (here codeSigning) rules out TLS servers.
  'code-signing-only': { ...good, extendedKeyUsage: 'codeSigning' },
  // RFC 8446 §4.4.2: served as leaf then intermediate; valid for a client trusting the run CA.
  'via-intermediate': { ...good, signer: 'intermediate' },
  // RFC 5280 §6.1.3 (a)(2): every certificate of the path must be in date, not only the leaf.
  'expired-intermediate': { ...good, signer: 'expired-intermediate' },
  // RFC 5280 §6.1.4 (k): an issuer must be a CA (cA=TRUE); this one is an end entity.
  'issued-by-end-entity': { ...good, signer: 'end-entity' },
  // RFC 5280 §6.1.4 (k): an issuer without basicConstraints is no CA.
  'issued-by-ca-without-basic-constraints': { ...good, signer: 'no-basic-constraints' },
  // RFC 5280 §6.1.4 (n): an issuer whose keyUsage lacks keyCertSign may not sign certificates.
  'issued-by-ca-without-cert-sign': { ...good, signer: 'no-cert-sign' },
  // RFC 5280 §6.1.4 (l)(m): root, then pathLen=0, then another CA, then the leaf: one CA too many.
  'beyond-path-length': { ...good, signer: 'beyond-path-length' },
}

/** Subject common names of the CAs and issuers: distinct, so a verifier cannot mistake one for another. */
export const CA_NAMES = {
  run: 'proxyspec run CA',
  untrusted: 'proxyspec untrusted CA',
  intermediate: 'proxyspec intermediate CA',
  expiredIntermediate: 'proxyspec expired intermediate CA',
  endEntity: 'proxyspec end entity',
  noBasicConstraints: 'proxyspec CA without basicConstraints',
  noCertSign: 'proxyspec CA without keyCertSign',
  pathLenZero: 'proxyspec intermediate CA pathLen 0',
  belowPathLenZero: 'proxyspec CA below pathLen 0',
} as const

/** An intermediate that expired yesterday, after being valid for two months. */
export const expiredValidity = (now: number): Validity => ({
  notBefore: new Date(now - 60 * DAY),
  notAfter: new Date(now - DAY),
})
