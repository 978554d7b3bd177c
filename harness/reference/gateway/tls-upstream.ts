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
 *
 * Every TLS decision it takes (what it offers and trusts, how it checks the
 * name and the leaf, what a refusal does, how it closes) is a step of
 * OriginatorSteps (steps.ts).
 */
import { connect as netConnect, createServer, type Socket } from 'node:net'
import { connect } from 'node:tls'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { listenLoopback } from '../../net/loopback.js'
import { onceClose, type Started } from '../../net/started.js'
import { splice } from '../../tls/splice.js'
import {
  originatorSteps,
  gatewayStepsWith,
  type OriginatorVariant,
  type UpstreamConfig,
} from './steps.js'

export interface TlsUpstreamOptions extends UpstreamConfig {
  /** @default 5000 */
  readonly handshakeTimeoutMs?: number
  /** The steps it replaces (steps.ts). */
  readonly steps?: OriginatorVariant | undefined
}

export interface StartedTlsUpstream extends Started {
  readonly host: string
  readonly port: number
  /** Verification failures so far, newest last (what a gateway would log, RFC 9110 §4.3.4). */
  readonly failures: readonly string[]
}

/** Starts the connector on a loopback port; close() ends every connection it made. */
export async function startTlsUpstream(options: TlsUpstreamOptions): Promise<StartedTlsUpstream> {
  const steps = gatewayStepsWith(originatorSteps, options.steps)
  const upstreamConfig: UpstreamConfig = {
    address: options.address,
    port: options.port,
    name: options.name,
    ca: options.ca,
  }
  const tracker = new ConnectionTracker()
  const track = (socket: Socket): void => tracker.add(socket)
  const failures: string[] = []
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000
  const bridge = (incoming: Socket): void => {
    incoming.on('error', () => undefined)
    // Our own TCP socket under the TLS one, for closeUpstream.
    const raw = netConnect({ host: options.address, port: options.port, allowHalfOpen: true })
    raw.on('error', () => undefined)
    tracker.add(raw)
    const upstream = connect({
      ...steps.tlsOptions(upstreamConfig),
      checkServerIdentity: (_host, cert) => steps.checkServerIdentity(options.name, cert),
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
      steps.onVerifyFailure({ incoming, upstream: upstreamConfig, track })
    }
    upstream.once('error', (error: NodeJS.ErrnoException) => refuse(error.code ?? error.message))
    upstream.once('close', () => {
      raw.destroy()
      if (!refused) incoming.destroy()
    })
    upstream.once('secureConnect', () => {
      upstream.setTimeout(0)
      const leaf = upstream.getPeerX509Certificate()
      const why =
        steps.verifyError(upstream) ??
        (leaf === undefined
          ? 'no server certificate'
          : steps.servesAsLeaf(leaf)
            ? undefined
            : 'the server certificate is a CA certificate (basicConstraints cA=TRUE)')
      if (why !== undefined) {
        refuse(why)
        return
      }
      splice(incoming, upstream, { b: () => steps.closeUpstream(upstream, raw) })
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
