import { startTcpServer } from './tcp-server.js'
import type { BannerOptions, StartedTcpServer } from './types.js'

const DEFAULT_BANNER = 'proxyspec-banner\r\n'

/**
 * A CONNECT target that speaks first (as SMTP or SSH servers do): it writes its
 * banner as soon as it accepts, so a tunnel must relay target bytes before the
 * client sends any. It records what it receives and ends its side when the peer
 * ends, like an ordinary server reading to EOF.
 *
 * @example
 * await using banner = await startBannerServer({ banner: 'hello\r\n' })
 */
export function startBannerServer(options: BannerOptions = {}): Promise<StartedTcpServer> {
  const banner = options.banner ?? DEFAULT_BANNER
  const bytes = typeof banner === 'string' ? Buffer.from(banner, 'latin1') : banner
  return startTcpServer({
    kind: 'banner',
    onOpen: (conn) => {
      conn.write(bytes)
      if (options.closeAfterBanner === true) conn.end()
    },
    onPeerEnd: (conn) => conn.end(),
  })
}
