/**
 * The originator's TLS upstream connector: a loopback listener that the
 * reference reverse proxy uses as its upstream. Each connection the proxy
 * opens becomes one verified TLS connection to the real upstream, and only
 * once verification passed do the proxy's bytes flow; a refused upstream
 * closes the proxy's connection before any byte of the request left, which
 * the proxy answers with 502 (RFC 9110 §15.6.3).
 *
 * Why a connector on loopback rather than a TLS hook inside the proxy's
 * upstream pool: the pool belongs to the proxy (keep-alive, stale retries)
 * and stays unchanged; one proxy connection is exactly one TLS connection,
 * so pooling, persistence and close behave as they do in plain HTTP, and a
 * close of either side passes through (close_notify included, RFC 8446 §6.1).
 */
import { connect as netConnect, createServer, type Socket } from 'node:net'
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { listenLoopback } from '../../net/loopback.js'
import { onceClose, type Started } from '../../net/started.js'
import { splice } from '../../tls/splice.js'
import type { OriginatorDefect } from './defects.js'
import { checkIdentity } from './identity.js'

export interface TlsUpstreamOptions {
  /** Where the upstream listens (loopback). */
  readonly address: string
  readonly port: number
  /** The reference identity and SNI (RFC 9525 §6.1.1, RFC 6066 §3): the configured name. */
  readonly name: string
  /** The trust anchors (PEM): the run CA. */
  readonly ca: string
  /** @default 5000 */
  readonly handshakeTimeoutMs?: number
  readonly defect?: OriginatorDefect
}

export interface StartedTlsUpstream extends Started {
  readonly host: string
  readonly port: number
  /** Verification failures so far, newest last (what a gateway would log, RFC 9110 §4.3.4). */
  readonly failures: readonly string[]
}

/** OpenSSL verify codes a seeded defect lets through (each defect exactly one kind). */
const TOLERATED: Partial<Record<OriginatorDefect, readonly string[]>> = {
  'accepts-expired': ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'],
  'accepts-self-signed': ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'],
  'ignores-eku': ['INVALID_PURPOSE'],
}

function tlsOptions(options: TlsUpstreamOptions): ConnectionOptions {
  const { defect } = options
  const tolerates = defect !== undefined && TOLERATED[defect] !== undefined
  return {
    host: options.address,
    port: options.port,
    // RFC 6066 §3: the DNS name as SNI (never an IP literal, which Node leaves out anyway).
    ...(defect === 'no-sni' ? {} : { servername: options.name }),
    ...(defect === 'ignores-configured-ca' ? {} : { ca: options.ca }),
    // A defect that tolerates one verify code decides itself, after the handshake.
    rejectUnauthorized: defect !== 'verification-off' && !tolerates,
    checkServerIdentity: (_host, cert) =>
      defect === 'verification-off' ? undefined : checkIdentity(options.name, cert, defect),
    // RFC 8996: TLS 1.2 at least (Node's default); the defect reopens 1.0 and 1.1.
    ...(defect === 'accepts-legacy-tls'
      ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' }
      : { minVersion: 'TLSv1.2' as const }),
    // RFC 9113 §3.3, RFC 7301: this gateway speaks HTTP/1.1 upstream and says so.
    ALPNProtocols: defect === 'offers-h2c' ? ['h2c', 'http/1.1'] : ['http/1.1'],
  }
}

/** Why a completed handshake is still refused, or undefined to go on. */
function refusal(socket: TLSSocket, defect: OriginatorDefect | undefined): string | undefined {
  if (!socket.authorized && defect !== 'verification-off') {
    const code = String(socket.authorizationError)
    const tolerated = defect === undefined ? undefined : TOLERATED[defect]
    if (tolerated?.includes(code) !== true) return code
  }
  const leaf = socket.getPeerX509Certificate()
  if (leaf === undefined) return 'no server certificate'
  // RFC 5280 §4.2.1.9: a CA certificate is for signing certificates, not for
  // serving TLS; OpenSSL without X509_V_FLAG_X509_STRICT lets it pass.
  if (leaf.ca && defect !== 'accepts-ca-leaf' && defect !== 'verification-off') {
    return 'the server certificate is a CA certificate (basicConstraints cA=TRUE)'
  }
  return undefined
}

/** Starts the connector on a loopback port; close() ends every connection it made. */
export async function startTlsUpstream(options: TlsUpstreamOptions): Promise<StartedTlsUpstream> {
  const tracker = new ConnectionTracker()
  const failures: string[] = []
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000
  const bridge = (incoming: Socket): void => {
    incoming.on('error', () => undefined)
    // Our own TCP socket under the TLS one: the seeded bare-FIN defect needs to end it directly.
    const raw = netConnect({ host: options.address, port: options.port, allowHalfOpen: true })
    raw.on('error', () => undefined)
    tracker.add(raw)
    const upstream = connect({
      ...tlsOptions(options),
      socket: raw,
      // @types/node does not declare allowHalfOpen on tls.connect; Node passes it on.
      ...({ allowHalfOpen: true } as object),
    })
    tracker.add(upstream)
    upstream.setTimeout(handshakeTimeoutMs, () => upstream.destroy())
    let refused = false
    const refuse = (why: string): void => {
      if (refused) return
      refused = true
      failures.push(`${options.name}:${options.port}: ${why}`)
      upstream.destroy()
      if (options.defect === 'plaintext-fallback') {
        const plain = netConnect({ host: options.address, port: options.port, allowHalfOpen: true })
        tracker.add(plain)
        splice(incoming, plain)
        incoming.resume()
        return
      }
      incoming.destroy()
    }
    upstream.once('error', (error: NodeJS.ErrnoException) => refuse(error.code ?? error.message))
    upstream.once('close', () => {
      raw.destroy()
      if (!refused) incoming.destroy()
    })
    upstream.once('secureConnect', () => {
      upstream.setTimeout(0)
      const why = refusal(upstream, options.defect)
      if (why !== undefined) {
        refuse(why)
        return
      }
      if (options.defect === 'closes-upstream-without-close-notify') {
        // The proxy's close becomes a bare TCP FIN: no close_notify (RFC 8446 §6.1).
        upstream.pipe(incoming)
        incoming.on('data', (chunk: Buffer) => upstream.write(chunk))
        incoming.once('end', () => raw.end())
        upstream.on('error', () => incoming.destroy())
      } else {
        splice(incoming, upstream)
      }
      incoming.resume()
    })
  }
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, bridge)
  tracker.watch(server)
  const address = await listenLoopback(server)
  const close = onceClose(() => closeServer(server, tracker))
  return {
    host: address.address,
    port: address.port,
    failures,
    close,
    [Symbol.asyncDispose]: close,
  }
}
