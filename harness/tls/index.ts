// harness/tls: a certificate corpus with one flaw per profile, and an HTTPS
// origin that presents any of them.
export {
  createCertificateCorpus,
  disposeCertificateCorpus,
  getCertificateCorpus,
  getRunCaCertificate,
  type CorpusOptions,
} from './certificate-factory.js'
export { CERT_NAMES } from './certificate-plan.js'
export { startTlsOrigin, type TlsOriginOptions } from './tls-origin.js'
export {
  probeTlsHandshake,
  type PeerCertificateSummary,
  type TlsProbeOptions,
  type TlsProbeResult,
} from './tls-probe.js'
export {
  CERTIFICATE_PROFILES,
  type CertificateCorpus,
  type CertificateProfile,
  type OwnedCertificateCorpus,
  type PemFiles,
  type StartedTlsOrigin,
} from './types.js'
export { startRunTls, TLS_ORIGIN_NAME, type RunTls } from './run-tls.js'
export { splice, type SpliceEnds } from './splice.js'
export type { TlsHandshakeRecord, TlsVersionRange } from './types.js'
export {
  connectTappedTls,
  tapSocket,
  RECORD_TYPE,
  type SocketTap,
  type TappedTls,
} from './tls-record-tap.js'
export { handshakeThroughConnect, type TunnelTlsResult } from './tls-through-connect.js'
