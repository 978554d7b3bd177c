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

export const CERTIFICATE_PROFILES: readonly CertificateProfile[] = [
  'valid',
  'expired',
  'not-yet-valid',
  'wrong-host',
  'self-signed',
  'unknown-ca',
  'no-server-auth',
  'ca-leaf',
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

export interface StartedTlsOrigin extends StartedOrigin {
  readonly profile: CertificateProfile
  /** Present this profile on connections accepted from now on. */
  setProfile(profile: CertificateProfile): void
}

export type { Started }

/**
 * A corpus its creator owns (createCertificateCorpus): dispose() removes its
 * private temp dir now rather than at process exit. Idempotent, never throws.
 */
export interface OwnedCertificateCorpus extends CertificateCorpus, Disposable {
  dispose(): void
}
