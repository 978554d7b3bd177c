import { HarnessError } from '../../net/errors.js'

/**
 * What --spawn may name; each is filled in when the harness knows its value.
 * {next_hop}: host:port of the harness next-hop proxy (harness/nexthop) the
 * target must send its CONNECTs on to, for the chained CONNECT rows; only
 * filled in for runs that start one.
 * {origin_tls}: host:port of the harness TLS origin, the upstream of a
 * tls-originator ("localhost:PORT": localhost is the name it must verify and
 * send as SNI); {ca}: path of the run CA (PEM) it must trust; {cert} {key}:
 * paths of the chain (leaf, then its intermediate CA) and key a
 * tls-terminator serves (valid for localhost, origin.test, 127.0.0.1, ::1).
 * {proxy_user} {proxy_pass}: the Basic proxy credentials the target must
 * require (--proxy-auth USER:PASS); only filled in when they are declared.
 */
export const SPAWN_PLACEHOLDERS = [
  'port',
  'origin',
  'origin_url',
  'connect_ports',
  'next_hop',
  'origin_tls',
  'ca',
  'cert',
  'key',
  'proxy_user',
  'proxy_pass',
] as const

export function substitutePlaceholders(
  command: string,
  values: Readonly<Record<string, string>>,
): string {
  return command.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = values[name]
    if (value === undefined && (name === 'proxy_user' || name === 'proxy_pass')) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `placeholder ${whole} in --spawn needs the credentials: add --proxy-auth USER:PASS`,
      )
    }
    if (value === undefined && (SPAWN_PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `placeholder ${whole} in --spawn has no value in this run (no harness component provides it yet)`,
      )
    }
    if (value === undefined) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `unknown placeholder ${whole} in --spawn (known: ${SPAWN_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
      )
    }
    return value
  })
}
