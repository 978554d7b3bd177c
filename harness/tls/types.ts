import type { SecureVersion } from 'node:tls'
import type { TimeoutValue } from '../net/deadline.js'
import type { Started } from '../net/started.js'
import type { StartedOrigin } from '../origin/types.js'

/**
 * Certificate profiles a TLS origin can present. All leaves are EC P-256 with
 * SHA-256 signatures; "valid" covers the names in CERT_NAMES.
 */
export type CertificateProfile =
  | 'valid'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-host'
  | 'self-signed'
  | 'unknown-ca'
  | 'no-server-auth'
  | 'ca-leaf'
  | 'cn-only'
  | 'cn-match-san-mismatch'
  | 'partial-wildcard'
  | 'wildcard-for-parent'
  | 'code-signing-only'
  | 'via-intermediate'
  | 'expired-intermediate'
  | 'issued-by-end-entity'
  | 'issued-by-ca-without-basic-constraints'
  | 'issued-by-ca-without-cert-sign'
  | 'beyond-path-length'

export const CERTIFICATE_PROFILES: readonly CertificateProfile[] = [
  'valid',
  'expired',
  'not-yet-valid',
  'wrong-host',
  'self-signed',
  'unknown-ca',
  'no-server-auth',
  'ca-leaf',
  'cn-only',
  'cn-match-san-mismatch',
  'partial-wildcard',
  'wildcard-for-parent',
  'code-signing-only',
  'via-intermediate',
  'expired-intermediate',
  'issued-by-end-entity',
  'issued-by-ca-without-basic-constraints',
  'issued-by-ca-without-cert-sign',
  'beyond-path-length',
]

export interface PemFiles {
  readonly cert: string
  readonly key: string
  readonly certPath: string
  readonly keyPath: string
}

export interface CertificateCorpus {
  /** Private temp dir (0700; files 0600), removed at process exit. */
  readonly dir: string
  /** The run CA every reference client trusts. */
  readonly ca: { readonly cert: string; readonly certPath: string }
  leaf(profile: CertificateProfile): PemFiles
}

/** TLS versions a server accepts; unset ends mean Node's defaults (TLS 1.2 to 1.3). */
export interface TlsVersionRange {
  readonly min?: SecureVersion
  readonly max?: SecureVersion
}

/** One handshake as the TLS origin saw it: what the client sent, and how it ended. */
export interface TlsHandshakeRecord {
  /** Connection id on the TLS side ("t1", "t2"...). */
  readonly conn: string
  /** performance.now() when the handshake ended. */
  readonly at: number
  /** The server_name the ClientHello carried (RFC 6066 §3), or undefined for none. */
  readonly servername: string | undefined
  /** The ALPN protocols offered (RFC 7301 §3.1), or undefined for no ALPN extension. */
  readonly alpnOffered: readonly string[] | undefined
  /** The certificate profile presented. */
  readonly profile: CertificateProfile
  readonly outcome:
    | { readonly kind: 'established'; readonly protocol: string }
    | { readonly kind: 'failed'; readonly error: string }
  /**
   * The TLS records the client sent on this connection, as they arrive (content
   * types: 21 alert, 23 data; only TLS 1.2 shows alerts as such), and when its
   * FIN came: RFC 8446 §6.1 asks for close_notify before it.
   */
  readonly fromClient: { readonly records: readonly number[]; readonly closed: Promise<void> }
}

export interface StartedTlsOrigin extends StartedOrigin {
  readonly profile: CertificateProfile
  /** Present this profile on connections accepted from now on. */
  setProfile(profile: CertificateProfile): void
  /** Accept only these TLS versions on connections accepted from now on. */
  setVersions(range: TlsVersionRange): void
  /** Every handshake so far, oldest first. */
  handshakes(): readonly TlsHandshakeRecord[]
  /**
   * Resolves once every connection accepted so far has its handshake logged
   * (done, failed or abandoned): a client can see a gateway's 502 before the
   * origin has seen the end of the handshake that caused it.
   */
  settled(timeoutMs: number): Promise<undefined | TimeoutValue>
  /** Destroys every established TLS connection: what comes next meets the current profile. */
  dropConnections(): void
  /** The corpus the profiles come from (loaded now if it was deferred). */
  corpus(): Promise<CertificateCorpus>
}

export type { Started }

/**
 * A corpus its creator owns (createCertificateCorpus): dispose() removes its
 * private temp dir now rather than at process exit. Idempotent, never throws.
 */
export interface OwnedCertificateCorpus extends CertificateCorpus, Disposable {
  dispose(): void
}
