/**
 * The reference TLS terminator: HTTPS in, plain HTTP to one upstream. A TLS
 * listener decrypts each connection and splices it to the reference reverse
 * proxy (harness/reference/proxy) on loopback, which does all of the HTTP; the proxy
 * reaches the upstream (the harness origin) in plain HTTP.
 *
 * Why a splice to the proxy's listener rather than handing the TLSSocket to
 * the proxy's session code: the proxy's server owns its sessions, trackers
 * and pool, none of which is exported; a loopback splice reuses all of it
 * unchanged, and one TLS connection is exactly one proxy connection, so
 * persistence and closing behave as in plain HTTP.
 *
 * A connection whose ALPN chose h2 is handed to the proxy's h2 front
 * (harness/reference/h2-front) instead, whose streams reach the proxy as
 * HTTP/1.1 on internal connections.
 *
 * Its TLS decisions (versions, ALPN, how it closes) are the steps of
 * TerminatorSteps (steps.ts); the chain it serves is its cert option.
 */
import { createServer, connect, type Socket } from 'node:net'
import { createSecureContext, TLSSocket } from 'node:tls'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { authorityOf, listenLoopback } from '../../net/loopback.js'
import { onceClose } from '../../net/started.js'
import { startReferenceProxy } from '../proxy/index.js'
import { splice } from '../../tls/splice.js'
import type { StepVariant } from '../proxy/steps/index.js'
import type { H2StepVariant } from '../h2-front/index.js'
import { gatewayStepsWith, terminatorSteps, type TerminatorVariant } from './steps.js'
import type { StartedGateway } from './types.js'

export interface TlsTerminatorOptions {
  /** The plain HTTP upstream (loopback). */
  readonly upstream: { readonly host: string; readonly port: number }
  /** The certificate chain (PEM, leaf first, RFC 8446 §4.4.2) and its key. */
  readonly cert: string
  readonly key: string
  /** @default 5000 */
  readonly handshakeTimeoutMs?: number
  /** The TLS steps it replaces (steps.ts: TerminatorSteps). */
  readonly steps?: TerminatorVariant | undefined
  /** Steps the reverse proxy behind it replaces (ReferenceProxyOptions.steps). */
  readonly proxySteps?: StepVariant
  /** Steps of the h2 front it hands ALPN h2 connections to (ReferenceProxyOptions.h2Steps). */
  readonly proxyH2Steps?: H2StepVariant | undefined
  /** The h2 origin the h2 front behind it sends its streams to (ReferenceProxyOptions.h2Upstream). */
  readonly proxyH2Upstream?: { readonly host: string; readonly port: number } | undefined
}

export async function startTlsTerminator(options: TlsTerminatorOptions): Promise<StartedGateway> {
  const proxy = await startReferenceProxy({
    mode: 'reverse',
    upstream: options.upstream,
    ...(options.proxySteps === undefined ? {} : { steps: options.proxySteps }),
    ...(options.proxyH2Steps === undefined ? {} : { h2Steps: options.proxyH2Steps }),
    ...(options.proxyH2Upstream === undefined ? {} : { h2Upstream: options.proxyH2Upstream }),
  })
  const steps = gatewayStepsWith(terminatorSteps, options.steps)
  const secureContext = createSecureContext(
    steps.secureContextOptions({ cert: options.cert, key: options.key }),
  )
  const tracker = new ConnectionTracker()
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000
  const accept = (raw: Socket): void => {
    raw.on('error', () => undefined)
    const tls = new TLSSocket(raw, {
      isServer: true,
      secureContext,
      // RFC 7301 §3.2: choose from the client's list, or end with no_application_protocol.
      ALPNCallback: ({ protocols }: { protocols: string[] }) => steps.selectAlpn(protocols),
    })
    tracker.add(tls)
    tls.on('error', () => tls.destroy())
    let established = false
    // Half-open is for the HTTP exchange: a client that ends during the handshake has gone.
    tls.once('end', () => {
      if (!established) tls.destroy()
    })
    raw.setTimeout(handshakeTimeoutMs, () => raw.destroy())
    tls.once('secure', () => {
      established = true
      raw.setTimeout(0)
      // ALPN h2 (RFC 9113 §3.2): the proxy's h2 front serves the decrypted connection itself.
      if (tls.alpnProtocol === 'h2') {
        proxy.serveH2(tls)
        return
      }
      const plain = connect({ host: proxy.host, port: proxy.port, allowHalfOpen: true })
      tracker.add(plain)
      splice(tls, plain, { a: () => steps.closeClient(tls, raw) })
    })
  }
  const server = createServer({ allowHalfOpen: true }, accept)
  tracker.watch(server)
  const address = await listenLoopback(server).catch(async (error: unknown) => {
    await proxy.close()
    throw error
  })
  const close = onceClose(async () => {
    await closeServer(server, tracker)
    await proxy.close()
  })
  return {
    host: address.address,
    port: address.port,
    authority: authorityOf(address.address, address.port),
    log: [],
    close,
    [Symbol.asyncDispose]: close,
  }
}
