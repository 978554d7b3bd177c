/**
 * Seeded defects of the reference TLS gateways: each name switches on exactly
 * one realistic bug, so the kill matrix (test-fixtures/defects/tls.ts) can
 * prove that the tls suite's cases fail against it. No defect is ever on
 * unless a caller names it; the gateways with none are conformant.
 */

/** Bugs of the TLS originator (HTTP in, verified HTTPS to the upstream). */
export type OriginatorDefect =
  /** rejectUnauthorized: false and no name check (curl -k, proxy_ssl_verify off: nginx's default). */
  | 'verification-off'
  /** Accepts a certificate outside its validity window (an "allow expired" switch). */
  | 'accepts-expired'
  /** Accepts a self-signed leaf, as "trust self-signed" switches do. */
  | 'accepts-self-signed'
  /** Verifies the chain but never the name (the classic pre-RFC 2818 bug). */
  | 'hostname-ignored'
  /** Uses the subject CN when no SAN matches (RFC 2818 habits; RFC 9525 §6.2 forbids). */
  | 'cn-fallback'
  /** Treats "*" in a SAN as a glob anywhere in a label (RFC 9525 §6.3 allows only "*." first). */
  | 'glob-wildcards'
  /** Lets "*.example.test" cover example.test itself (a suffix match, zero labels for the "*"). */
  | 'wildcard-matches-parent'
  /** Takes a CA:TRUE certificate as the server's own (OpenSSL's default, without X509_STRICT). */
  | 'accepts-ca-leaf'
  /** Ignores the EKU: a clientAuth-only leaf serves TLS. */
  | 'ignores-eku'
  /** Sends no server_name (nginx's proxy_ssl_server_name off, the default). */
  | 'no-sni'
  /** Negotiates TLS 1.0 and 1.1 with an upstream (RFC 8996 forbids). */
  | 'accepts-legacy-tls'
  /** Offers "h2c" in ALPN (RFC 9113 §3.2 forbids it as an ALPN identifier). */
  | 'offers-h2c'
  /** After a failed verification, retries the request in plain HTTP on the same port. */
  | 'plaintext-fallback'
  /** Closes the upstream connection with a bare TCP FIN, no close_notify (RFC 8446 §6.1). */
  | 'closes-upstream-without-close-notify'
  /** Trusts the system roots only, not the configured CA: even the valid upstream is refused. */
  | 'ignores-configured-ca'

/** Bugs of the TLS terminator (HTTPS in, plain HTTP to the upstream). */
export type TerminatorDefect =
  /** Serves a leaf that expired yesterday (a renewal that never happened). */
  | 'serves-expired-certificate'
  /** Serves a leaf for another name (the wrong vhost's certificate). */
  | 'serves-wrong-host-certificate'
  /** Serves its leaf without the intermediate (ssl_certificate without the chain file). */
  | 'serves-leaf-without-intermediate'
  /** Accepts TLS 1.0 and 1.1 clients (an old ssl_protocols line). */
  | 'serves-legacy-tls'
  /** On an ALPN mismatch selects the client's first protocol instead of the fatal alert. */
  | 'alpn-echoes-client'
  /** Closes with a bare TCP FIN, no close_notify (RFC 8446 §6.1; a truncation attack enabler). */
  | 'closes-without-close-notify'

export type GatewayDefect = OriginatorDefect | TerminatorDefect

const TERMINATOR_DEFECTS: readonly string[] = [
  'serves-expired-certificate',
  'serves-wrong-host-certificate',
  'serves-leaf-without-intermediate',
  'serves-legacy-tls',
  'alpn-echoes-client',
  'closes-without-close-notify',
] satisfies readonly TerminatorDefect[]

export function isTerminatorDefect(defect: GatewayDefect): defect is TerminatorDefect {
  return TERMINATOR_DEFECTS.includes(defect)
}
