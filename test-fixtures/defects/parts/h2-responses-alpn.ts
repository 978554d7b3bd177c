// A seeded defect of the reference TLS terminator in front of the h2 front:
// its ALPN choice replaced (harness/reference/gateway/steps.ts selectAlpn),
// the reverse proxy and its h2 front behind it as builtin:reference has them.
import { startTlsTerminator } from '../../../harness/reference/gateway/index.js'
import type { SeededDefect } from '../types.js'

/** The terminator choosing `h2c` whenever a client offers it (RFC 9113 §3.3 forbids it over TLS). */
export function terminatorAlpnDefect(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
): SeededDefect {
  return {
    name,
    description,
    killedBy,
    roles: ['tls-terminator'],
    async start(role, env) {
      const leaf = (await env.tls.origin.corpus()).leaf('via-intermediate')
      const gateway = await startTlsTerminator({
        upstream: { host: env.origin.host, port: env.origin.port },
        cert: leaf.cert,
        key: leaf.key,
        steps: (reference) => ({
          selectAlpn: (protocols) =>
            protocols.includes('h2c') ? 'h2c' : reference.selectAlpn(protocols),
        }),
      })
      const close = (): Promise<void> => gateway.close()
      return {
        endpoint: { label: `defect:${name}`, role, host: gateway.host, port: gateway.port },
        stderr: () => gateway.log.join('\n'),
        close,
        [Symbol.asyncDispose]: close,
      }
    },
  }
}
