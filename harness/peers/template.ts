import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { peerFixturesDir } from './fixtures-dir.js'

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
export function commonValues(
  ports: { port: number; originHost: string; originPort: number; connectPorts: readonly number[] },
  dir: string,
): Record<string, string> {
  return {
    port: String(ports.port),
    origin: `${ports.originHost}:${ports.originPort}`,
    origin_host: ports.originHost,
    origin_port: String(ports.originPort),
    connect_ports: ports.connectPorts.filter((p) => p !== 443).join(' '),
    dir,
  }
}
