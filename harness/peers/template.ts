import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { peerFixturesDir } from './fixtures-dir.js'
import type { PeerPorts } from './types.js'

/** Reads a config template from test-fixtures/peers/ ("squid/forward.conf"). */
export function readTemplate(file: string): string {
  return readFileSync(join(peerFixturesDir(), file), 'utf8')
}

/**
 * Fills {{name}} placeholders. Double braces, because nginx and Apache configs
 * use single ones. An unknown name is a bug in the peer's definition, so it throws.
 */
export function fillTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{([a-z_]+)\}\}/g, (whole, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`[proxyspec] peer template names unknown ${whole}`)
    return value
  })
}

/** The placeholders every template may use. */
export function commonValues(ports: PeerPorts, dir: string): Record<string, string> {
  const tls = ports.tls
  return {
    ...(tls === undefined
      ? {}
      : {
          cert: tls.certPath,
          key: tls.keyPath,
          ca: tls.caPath,
          origin_tls_name: tls.origin.name,
          origin_tls_host: tls.origin.host,
          origin_tls_port: String(tls.origin.port),
        }),
    port: String(ports.port),
    origin: `${ports.originHost}:${ports.originPort}`,
    origin_host: ports.originHost,
    origin_port: String(ports.originPort),
    connect_ports: ports.connectPorts.filter((p) => p !== 443).join(' '),
    next_hop_host: ports.nextHop?.host ?? '127.0.0.1',
    next_hop_port: String(ports.nextHop?.port ?? 9),
    dir,
  }
}
