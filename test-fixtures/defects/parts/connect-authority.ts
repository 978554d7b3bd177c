/** Wrong readings of a CONNECT request-target (RFC 9112 §3.2.3, CONNECT-01, CONNECT-02). */
import {
  parseAuthorityForm,
  type Authority,
} from '../../../harness/reference/proxy/request-target.js'

/**
 * The port read the way atoi into a 16-bit integer reads it (99999 wraps to
 * 34463) and a missing or empty port defaulted to 443, instead of refusing.
 */
export function atoiAuthority(text: string): Authority | undefined {
  const match = /^([^:[\]/]+|\[[^\]]+\])(?::(\d*))?$/.exec(text)
  if (match === null) return undefined
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '')
  const port = match[2] === undefined || match[2] === '' ? 443 : Number(match[2]) & 0xffff
  return port === 0 ? undefined : { host, port, text }
}

/** Split at the first colon: "[::1]:443" becomes host "[" and an unreadable port. */
export function firstColonAuthority(text: string): Authority | undefined {
  const colon = text.indexOf(':')
  const [host, port] = [text.slice(0, colon), text.slice(colon + 1)]
  const valid = colon > 0 && /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535
  return valid ? { host, port: Number(port), text } : undefined
}

/** The authority of an absolute URI ("http://host:port/"), undefined when `text` is none. */
export function uriAuthority(text: string): Authority | undefined {
  const uri = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(text)
  return uri === null ? undefined : parseAuthorityForm(uri[1] ?? '')
}

/**
 * Whether an ALPN header (RFC 7639) names a protocol other than h2 or
 * http/1.1 (the header is only advisory, RFC 7639 §2.3).
 */
export function namesUnknownAlpn(head: {
  readonly headers: readonly { readonly name: string; readonly value: string }[]
}): boolean {
  const known = new Set(['h2', 'http/1.1'])
  return head.headers
    .filter((f) => f.name.toLowerCase() === 'alpn')
    .flatMap((f) => f.value.split(','))
    .map((token) => decodeURIComponent(token.trim()).toLowerCase())
    .some((protocol) => protocol !== '' && !known.has(protocol))
}
