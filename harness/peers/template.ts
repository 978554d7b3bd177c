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
    ...(ports.ftp === undefined
      ? {}
      : {
          ftp_origin: `${ports.ftp.host}:${ports.ftp.port}`,
          ftp_host: ports.ftp.host,
          ftp_port: String(ports.ftp.port),
          ftp_base: ports.ftp.base,
          ftp_user: ports.ftp.user,
          ftp_pass: ports.ftp.pass,
          x_ip: ports.ftp.xIp,
          ftp_timeout: String(ports.ftp.timeoutS),
        }),
  }
}

/** One origin a list placeholder expands for. */
export interface ListItem {
  readonly host: string
  readonly port: number
  /** @default 1 */
  readonly weight?: number
}

const LIST = /\{\{([a-z_]+)\|([\s\S]*?)\}\}(?!\})/g
const ITEM_PLACEHOLDER = /\{([a-z_]+)\}/g

/**
 * Expands list placeholders, then fills the {{name}} ones (fillTemplate).
 * `{{origins|server %s weight={weight};\n}}` repeats its body once per item
 * of the list `origins`: `%s` is that item's host:port, `{origin_host}` and
 * `{origin_port}` its parts, `{weight}` its weight, `{i}` its 1-based index,
 * any other `{name}` a scalar value; `\n` is a newline. An empty list expands
 * to nothing. The list ends at the last `}}` of a run of closing braces, so a
 * body may end with the config's own `}`.
 */
export function fillListTemplate(
  text: string,
  lists: Readonly<Record<string, readonly ListItem[]>>,
  values: Readonly<Record<string, string>>,
): string {
  const expanded = text.replace(LIST, (whole, name: string, body: string) => {
    const items = lists[name]
    if (items === undefined)
      throw new Error(`[proxyspec] peer template names unknown list ${whole}`)
    return items
      .map((item, index) => {
        const own: Record<string, string> = {
          ...values,
          origin_host: item.host,
          origin_port: String(item.port),
          weight: String(item.weight ?? 1),
          i: String(index + 1),
        }
        return body
          .replace(/\\n/g, '\n')
          .replace(/%s/g, `${item.host}:${item.port}`)
          .replace(ITEM_PLACEHOLDER, (inner, key: string) => {
            const value = own[key]
            if (value === undefined)
              throw new Error(`[proxyspec] peer template list ${name} names unknown ${inner}`)
            return value
          })
      })
      .join('')
  })
  return fillTemplate(expanded, values)
}
