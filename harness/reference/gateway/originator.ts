/**
 * The reference TLS originator: HTTP in, verified HTTPS to one upstream. It
 * is the reference reverse proxy (harness/reference/proxy) whose upstream is the TLS
 * connector (tls-upstream.ts): all HTTP handling is the proxy's, all TLS
 * and verification the connector's.
 */
import { startReferenceProxy } from '../proxy/index.js'
import { onceClose } from '../../net/started.js'
import type { OriginatorVariant } from './steps.js'
import { startTlsUpstream } from './tls-upstream.js'
import type { StartedGateway } from './types.js'

export interface TlsOriginatorOptions {
  /** The HTTPS upstream: its configured name (reference identity and SNI) and loopback address. */
  readonly upstream: { readonly name: string; readonly address: string; readonly port: number }
  /** Trust anchors (PEM): the run CA. */
  readonly ca: string
  /** The TLS steps it replaces (steps.ts: OriginatorSteps). */
  readonly steps?: OriginatorVariant | undefined
}

export async function startTlsOriginator(options: TlsOriginatorOptions): Promise<StartedGateway> {
  const connector = await startTlsUpstream({
    ...options.upstream,
    ca: options.ca,
    steps: options.steps,
  })
  try {
    const proxy = await startReferenceProxy({
      mode: 'reverse',
      upstream: { host: connector.host, port: connector.port },
    })
    const close = onceClose(async () => {
      await proxy.close()
      await connector.close()
    })
    return {
      host: proxy.host,
      port: proxy.port,
      authority: proxy.authority,
      log: connector.failures,
      close,
      [Symbol.asyncDispose]: close,
    }
  } catch (error) {
    await connector.close()
    throw error
  }
}
