/**
 * Lax readings of a CONNECT request for the connect suite's seeded defects:
 * the replacements of the connectAuthority and connectForbidden steps. Pure.
 */
import type { Authority } from '../../../harness/reference/proxy/request-target.js'
import type { RequestHead } from '../../../harness/wire/types.js'

/**
 * Seeded defect 'lenient-connect-port': the port read the way atoi into a
 * 16-bit integer reads it (99999 wraps to 34463) and a missing or empty port
 * defaulted to 443, instead of refusing (CONNECT-01).
 */
export function lenientAuthority(text: string): Authority | undefined {
  const match = /^([^:[\]/]+|\[[^\]]+\])(?::(\d*))?$/.exec(text)
  if (match === null) return undefined
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '')
  const port = match[2] === undefined || match[2] === '' ? 443 : Number(match[2]) & 0xffff
  return port === 0 ? undefined : { host, port, text }
}

/**
 * Seeded defect 'refuses-unknown-alpn': whether an ALPN header (RFC 7639)
 * names a protocol other than h2 or http/1.1.
 */
export function namesUnknownAlpn(head: RequestHead): boolean {
  const known = new Set(['h2', 'http/1.1'])
  return head.headers
    .filter((f) => f.name.toLowerCase() === 'alpn')
    .flatMap((f) => f.value.split(','))
    .map((token) => decodeURIComponent(token.trim()).toLowerCase())
    .some((protocol) => protocol !== '' && !known.has(protocol))
}
