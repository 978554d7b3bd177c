import { once } from 'node:events'
import {
  connect,
  type ConnectionOptions,
  type DetailedPeerCertificate,
  type SecureVersion,
  type TLSSocket,
} from 'node:tls'
import { raceTimeout, type TimeoutValue } from '../net/deadline.js'

/** Options of probeTlsHandshake. */
export interface TlsProbeOptions {
  readonly port: number
  /** @default '127.0.0.1' */
  readonly host?: string
  /** Name sent as SNI and checked against the certificate. @default 'localhost' */
  readonly servername?: string
  /** The only roots trusted (PEM), e.g. the run CA. */
  readonly ca: string | readonly string[]
  /**
   * true: a client that refuses a bad certificate (the handshake fails with the
   * verification error). false: a client that goes on, only to record
   * `authorizationError`; never use it to decide that a certificate is good.
   */
  readonly rejectUnauthorized: boolean
  readonly timeoutMs: number
  /** Offer only these versions; below TLS 1.2 the OpenSSL security level drops to 0 so they can be offered at all. */
  readonly minVersion?: SecureVersion
  readonly maxVersion?: SecureVersion
  /** ALPN protocols offered (RFC 7301 §3.1). @default none */
  readonly ALPNProtocols?: readonly string[]
}

/** What the presented certificate was, whatever the verdict on it. */
export interface PeerCertificateSummary {
  readonly fingerprint256: string
  readonly subject: string
  readonly issuer: string
}

export type TlsProbeResult =
  | {
      readonly kind: 'connected'
      /** The negotiated version ("TLSv1.3"). */
      readonly protocol: string
      /** The ALPN protocol the server selected, or false for none. */
      readonly alpnProtocol: string | false
      /** The whole chain as presented, leaf first (issuerCertificate links). */
      readonly certificate: DetailedPeerCertificate | undefined
      readonly authorized: boolean
      /** OpenSSL's verify code (CERT_HAS_EXPIRED, ...) or Node's ERR_TLS_CERT_ALTNAME_INVALID. */
      readonly authorizationError: string | undefined
      readonly peer: PeerCertificateSummary
    }
  | {
      readonly kind: 'rejected'
      /** The error code the client failed with: the same codes as authorizationError. */
      readonly code: string
      readonly message: string
    }
  | TimeoutValue

function summarise(socket: TLSSocket): PeerCertificateSummary {
  const cert = socket.getPeerX509Certificate()
  return {
    fingerprint256: cert?.fingerprint256 ?? '',
    subject: cert?.subject ?? '',
    issuer: cert?.issuer ?? '',
  }
}

/**
 * Opens one TLS connection, records how the handshake went and closes it. A
 * refused certificate is a result, not an exception; so is silence.
 */
export async function probeTlsHandshake(options: TlsProbeOptions): Promise<TlsProbeResult> {
  const legacy = options.minVersion === 'TLSv1' || options.minVersion === 'TLSv1.1'
  const settings: ConnectionOptions = {
    host: options.host ?? '127.0.0.1',
    port: options.port,
    servername: options.servername ?? 'localhost',
    ca: typeof options.ca === 'string' ? options.ca : [...options.ca],
    rejectUnauthorized: options.rejectUnauthorized,
    ...(options.minVersion === undefined ? {} : { minVersion: options.minVersion }),
    ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }),
    ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    ...(options.ALPNProtocols === undefined ? {} : { ALPNProtocols: [...options.ALPNProtocols] }),
  }
  const socket = connect(settings)
  const closed = once(socket, 'close').catch(() => undefined)
  const outcome = new Promise<TlsProbeResult>((resolve) => {
    socket.once('secureConnect', () => {
      const error = socket.authorizationError as Error | string | null | undefined
      resolve({
        kind: 'connected',
        protocol: socket.getProtocol() ?? 'unknown',
        alpnProtocol: socket.alpnProtocol ?? false,
        certificate: socket.getPeerCertificate(true),
        authorized: socket.authorized,
        authorizationError:
          error === null || error === undefined
            ? undefined
            : typeof error === 'string'
              ? error
              : error.message,
        peer: summarise(socket),
      })
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ kind: 'rejected', code: error.code ?? 'UNKNOWN', message: error.message })
    })
  })
  try {
    return await raceTimeout(`TLS handshake with port ${options.port}`, outcome, options.timeoutMs)
  } finally {
    socket.destroy()
    // Waiting for 'close' means no handle outlives the probe.
    await raceTimeout('TLS probe socket close', closed, 1_000)
  }
}
