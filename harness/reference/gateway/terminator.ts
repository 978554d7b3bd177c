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
 */
import { createServer, connect, type Socket } from 'node:net'
import { createSecureContext, TLSSocket } from 'node:tls'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { authorityOf, listenLoopback } from '../../net/loopback.js'
import { onceClose } from '../../net/started.js'
import { startReferenceProxy } from '../proxy/index.js'
import { splice } from '../../tls/splice.js'
import type { ProxyDefect } from '../proxy/defects.js'
import type { StepVariant } from '../proxy/steps/index.js'
import type { TerminatorDefect } from './defects.js'
import type { StartedGateway } from './types.js'

export interface TlsTerminatorOptions {
  /** The plain HTTP upstream (loopback). */
  readonly upstream: { readonly host: string; readonly port: number }
  /** The certificate chain (PEM, leaf first, RFC 8446 §4.4.2) and its key. */
  readonly cert: string
  readonly key: string
  /** @default 5000 */
  readonly handshakeTimeoutMs?: number
  /**
   * One seeded bug. Defects that serve another certificate take it from the
   * caller (cert/key), so only the ones in the TLS machinery live here.
   */
  readonly defect?: TerminatorDefect
  /**
   * A seeded bug of the reverse proxy behind the TLS listener (the kill
   * matrix runs the reverse role's defects behind TLS too).
   */
  readonly proxyDefect?: ProxyDefect
  /** Steps the reverse proxy behind it replaces (ReferenceProxyOptions.steps). */
  readonly proxySteps?: StepVariant
}

/**
 * Sends what the proxy sends and, when the proxy closes, ends the TLS side.
 * end() on the TLSSocket is close_notify then FIN (RFC 8446 §6.1); the seeded
 * defect ends the raw TCP socket instead: a bare FIN, a truncation a client
 * cannot tell from a complete close-delimited body.
 */
function spliceWithoutCloseNotify(tls: TLSSocket, raw: Socket, plain: Socket): void {
  const destroyAll = (): void => {
    tls.destroy()
    plain.destroy()
  }
  tls.on('error', destroyAll)
  plain.on('error', destroyAll)
  tls.pipe(plain)
  plain.on('data', (chunk: Buffer) => tls.write(chunk))
  plain.once('end', () => raw.end())
}

export async function startTlsTerminator(options: TlsTerminatorOptions): Promise<StartedGateway> {
  const proxy = await startReferenceProxy({
    mode: 'reverse',
    upstream: options.upstream,
    ...(options.proxyDefect === undefined ? {} : { defect: options.proxyDefect }),
    ...(options.proxySteps === undefined ? {} : { steps: options.proxySteps }),
  })
  const legacy = options.defect === 'serves-legacy-tls'
  const secureContext = createSecureContext({
    cert: options.cert,
    key: options.key,
    // RFC 8996 §4, §5: nothing below TLS 1.2. The defect's OpenSSL needs level 0 to allow it.
    minVersion: legacy ? 'TLSv1' : 'TLSv1.2',
    ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
  })
  const tracker = new ConnectionTracker()
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000
  const accept = (raw: Socket): void => {
    raw.on('error', () => undefined)
    const tls = new TLSSocket(raw, {
      isServer: true,
      secureContext,
      // RFC 7301 §3.2: choose from the client's list, or end with no_application_protocol.
      ...(options.defect === 'alpn-echoes-client'
        ? {
            ALPNCallback: ({ protocols }: { protocols: string[] }) =>
              protocols.includes('http/1.1') ? 'http/1.1' : protocols[0],
          }
        : { ALPNProtocols: ['http/1.1'] }),
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
      const plain = connect({ host: proxy.host, port: proxy.port, allowHalfOpen: true })
      tracker.add(plain)
      if (options.defect === 'closes-without-close-notify')
        spliceWithoutCloseNotify(tls, raw, plain)
      else splice(tls, plain)
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
