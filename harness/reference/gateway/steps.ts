/**
 * The reference TLS gateways as named steps, as the reference proxy is
 * (harness/reference/proxy/steps): each TLS decision the originator or the
 * terminator takes is one function in OriginatorSteps or TerminatorSteps,
 * called only through the `steps` object the gateway was started with. A
 * variant (the `steps` option) replaces steps by name and keeps the rest:
 * that is how an experiment, or a realistic bug for the kill matrix, is
 * built without a branch in the reference.
 *
 * Which certificate a terminator serves is configuration (its cert and key
 * options), not a step.
 */
import type { Socket } from 'node:net'
import type { ConnectionOptions, PeerCertificate, SecureContextOptions, TLSSocket } from 'node:tls'
import type { X509Certificate } from 'node:crypto'
import { checkIdentity } from './identity.js'

/** The configured HTTPS upstream of an originator. */
export interface UpstreamConfig {
  /** Where it listens (loopback). */
  readonly address: string
  readonly port: number
  /** The reference identity and SNI (RFC 9525 §6.1.1, RFC 6066 §3): the configured name. */
  readonly name: string
  /** The trust anchors (PEM): the run CA. */
  readonly ca: string
}

/** An upstream the originator refused: what onVerifyFailure works with. */
export interface RefusedUpstream {
  /** The proxy's connection: paused, nothing read from it yet. */
  readonly incoming: Socket
  readonly upstream: UpstreamConfig
  /** Registers a socket the step opens, so that the gateway's close() ends it. */
  readonly track: (socket: Socket) => void
}

/** The TLS decisions of the originator (HTTP in, verified HTTPS to the upstream). */
export interface OriginatorSteps {
  /**
   * The tls.connect options toward the upstream: SNI (RFC 6066 §3), the
   * configured trust anchors, chain verification on (RFC 5280 §6), TLS 1.2
   * at least (RFC 8996) and HTTP/1.1 offered in ALPN (RFC 7301, RFC 9113 §3.3).
   */
  readonly tlsOptions: (upstream: UpstreamConfig) => ConnectionOptions
  /** RFC 9525 §6: undefined when `cert` carries the reference identity `name`, else the error. */
  readonly checkServerIdentity: (name: string, cert: PeerCertificate) => Error | undefined
  /**
   * After the handshake: the verification error that refuses the upstream
   * (chain, dates, key usage, name), or undefined when it was authorized.
   */
  readonly verifyError: (socket: TLSSocket) => string | undefined
  /** RFC 5280 §4.2.1.9: whether this certificate may serve TLS as the server's own (no CA). */
  readonly servesAsLeaf: (leaf: X509Certificate) => boolean
  /**
   * What becomes of the proxy's connection once its upstream was refused:
   * closed before any byte of the request left, which the proxy answers
   * with 502 (RFC 9110 §15.6.3).
   */
  readonly onVerifyFailure: (refused: RefusedUpstream) => void
  /** How the proxy's close reaches the upstream: close_notify, then FIN (RFC 8446 §6.1). */
  readonly closeUpstream: (upstream: TLSSocket, raw: Socket) => void
}

export const originatorSteps: OriginatorSteps = Object.freeze({
  tlsOptions: (upstream: UpstreamConfig): ConnectionOptions => ({
    host: upstream.address,
    port: upstream.port,
    // The DNS name as SNI (never an IP literal, which Node leaves out anyway).
    servername: upstream.name,
    ca: upstream.ca,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    ALPNProtocols: ['http/1.1'],
  }),
  checkServerIdentity: checkIdentity,
  verifyError: (socket: TLSSocket): string | undefined =>
    socket.authorized ? undefined : String(socket.authorizationError),
  // OpenSSL without X509_V_FLAG_X509_STRICT lets a cA=TRUE leaf pass; this step does not.
  servesAsLeaf: (leaf: X509Certificate): boolean => !leaf.ca,
  onVerifyFailure: ({ incoming }: RefusedUpstream): void => {
    incoming.destroy()
  },
  closeUpstream: (upstream: TLSSocket): void => {
    upstream.end()
  },
})

/** The chain a terminator serves (PEM, leaf first, RFC 8446 §4.4.2) and its key: configuration. */
export interface ServedChain {
  readonly cert: string
  readonly key: string
}

/** The TLS decisions of the terminator (HTTPS in, plain HTTP to the upstream). */
export interface TerminatorSteps {
  /**
   * The secure context for the configured chain and key: TLS 1.2 at least
   * (RFC 8996 §4, §5).
   */
  readonly secureContextOptions: (served: ServedChain) => SecureContextOptions
  /**
   * RFC 7301 §3.2: the protocol chosen from the client's ALPN list, or
   * undefined for none in common (the no_application_protocol alert).
   */
  readonly selectAlpn: (protocols: readonly string[]) => string | undefined
  /** How the proxy's close reaches the client: close_notify, then FIN (RFC 8446 §6.1). */
  readonly closeClient: (tls: TLSSocket, raw: Socket) => void
}

export const terminatorSteps: TerminatorSteps = Object.freeze({
  secureContextOptions: (served: ServedChain): SecureContextOptions => ({
    cert: served.cert,
    key: served.key,
    minVersion: 'TLSv1.2',
  }),
  // h2 first (RFC 9113 §3.2: never h2c over TLS), then http/1.1.
  selectAlpn: (protocols: readonly string[]): string | undefined =>
    protocols.includes('h2') ? 'h2' : protocols.includes('http/1.1') ? 'http/1.1' : undefined,
  closeClient: (tls: TLSSocket): void => {
    tls.end()
  },
})

/**
 * A variant of a gateway's steps: the ones it replaces. It receives the
 * reference steps, so a replacement can call the step it wraps.
 */
export type GatewayVariant<S> = (reference: S) => Partial<S>
export type OriginatorVariant = GatewayVariant<OriginatorSteps>
export type TerminatorVariant = GatewayVariant<TerminatorSteps>

/** The reference steps with `variant`'s replacements (the reference's own when there is none). */
export function gatewayStepsWith<S extends object>(reference: S, variant?: GatewayVariant<S>): S {
  if (variant === undefined) return reference
  return Object.freeze({ ...reference, ...variant(reference) })
}
