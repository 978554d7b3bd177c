/**
 * The reference HTTP→FTP gateway: the reference forward proxy, whose step
 * routeFtp hands absolute-form `ftp://` requests to the FTP pipeline here;
 * http:// requests take the proxy's ordinary path on the same connection.
 */
import { ConnectionTracker } from '../../net/connection-tracker.js'
import { onceClose } from '../../net/started.js'
import { startReferenceProxy } from '../proxy/index.js'
import { ftpStepsWith } from './steps.js'
import { ftpGatewayHandler } from './transaction.js'
import type { ReferenceFtpGatewayOptions, StartedFtpGateway } from './types.js'

/**
 * Starts the gateway on a loopback port and resolves once it listens. close()
 * stops the proxy and destroys every FTP socket; idempotent, never throws.
 */
export async function startReferenceFtpGateway(
  options: ReferenceFtpGatewayOptions = {},
): Promise<StartedFtpGateway> {
  const { ftpTimeoutMs = 5000, steps, proxySteps, ...proxyOptions } = options
  const tracker = new ConnectionTracker()
  const hosts: Record<string, string> = {}
  for (const [name, address] of Object.entries(proxyOptions.hosts ?? {}))
    hosts[name.toLowerCase()] = address
  const handler = ftpGatewayHandler({ steps: ftpStepsWith(steps), ftpTimeoutMs, tracker, hosts })
  const proxy = await startReferenceProxy({
    ...proxyOptions,
    mode: 'forward',
    ftpGateway: handler,
    ...(proxySteps === undefined ? {} : { steps: proxySteps }),
  })
  const close = onceClose(async () => {
    await proxy.close()
    tracker.destroyAll()
  })
  return { ...proxy, close, [Symbol.asyncDispose]: close, openFtpSockets: () => tracker.live }
}
