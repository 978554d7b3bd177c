import { startOrigin } from '../origin/origin-server.js'
import type { OriginOptions } from '../origin/types.js'
import { getCertificateCorpus } from './certificate-factory.js'
import type { CertificateCorpus, CertificateProfile, StartedTlsOrigin } from './types.js'

/** Options of startTlsOrigin: those of the plain origin, with a profile instead of a certificate. */
export interface TlsOriginOptions extends Omit<OriginOptions, 'tls'> {
  /** The certificate presented first. @default 'valid' */
  readonly profile?: CertificateProfile
  /** Where the certificates come from. @default the process's corpus (getCertificateCorpus) */
  readonly corpus?: CertificateCorpus
}

/**
 * An HTTPS origin: the plain origin engine (routes, raw responders, recording)
 * behind TLS, presenting any certificate profile and switching profile for
 * connections accepted after setProfile. Trust `corpus.ca.cert` to verify it.
 *
 * @example
 * await using origin = await startTlsOrigin({ profile: 'expired' })
 * // point a tls-originator at origin.url: it must refuse to forward
 */
export async function startTlsOrigin(options: TlsOriginOptions = {}): Promise<StartedTlsOrigin> {
  const { profile: initial = 'valid', corpus: given, ...originOptions } = options
  const corpus = given ?? (await getCertificateCorpus())
  const pemOf = (profile: CertificateProfile): { cert: string; key: string } => {
    // Throws for an unknown profile before anything changes.
    const { cert, key } = corpus.leaf(profile)
    return { cert, key }
  }
  let profile = initial
  const origin = await startOrigin({ ...originOptions, tls: pemOf(profile) })

  // Explicit delegation rather than a spread: the origin's state (connections,
  // port) may be getters, and the compiler flags any member added to StartedOrigin.
  return {
    get profile() {
      return profile
    },
    setProfile(next) {
      origin.setCertificate(pemOf(next))
      profile = next
    },
    get host() {
      return origin.host
    },
    get port() {
      return origin.port
    },
    get authority() {
      return origin.authority
    },
    get url() {
      return origin.url
    },
    get transcript() {
      return origin.transcript
    },
    get connections() {
      return origin.connections
    },
    behave: (token, behaviour) => origin.behave(token, behaviour),
    forget: (token) => origin.forget(token),
    requests: (token) => origin.requests(token),
    nextRequest: (token, timeoutMs) => origin.nextRequest(token, timeoutMs),
    connectionClosed: (id, timeoutMs) => origin.connectionClosed(id, timeoutMs),
    // A certificate from outside the corpus: `profile` then names the last profile set.
    setCertificate: (pem) => origin.setCertificate(pem),
    close: () => origin.close(),
    [Symbol.asyncDispose]: () => origin.close(),
  }
}
