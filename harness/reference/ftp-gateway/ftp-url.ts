/**
 * Splitting an absolute-form `ftp://` request-target (RFC 1738 §3.2, RFC 3986
 * §3.2) and percent-decoding (RFC 3986 §2.1). Pure; nothing is decoded here
 * except by decodePercent, which the steps call.
 */
import { isIPv6 } from 'node:net'
import type { FtpUrl } from './types.js'

const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+;=]|%[0-9A-Fa-f]{2})+$/

/** The URL split into its parts, or why it is not a usable ftp URL (400). */
export function parseFtpUrl(target: string): FtpUrl | string {
  const scheme = /^ftp:\/\//i.exec(target)
  if (scheme === null) return 'not an ftp:// URL'
  // RFC 9112 §3.2.2: absolute-form carries no fragment.
  if (target.includes('#')) return 'a fragment in the request-target'
  const rest = target.slice(scheme[0].length)
  const slash = rest.indexOf('/')
  const authorityText = slash === -1 ? rest : rest.slice(0, slash)
  const path = slash === -1 ? '' : rest.slice(slash + 1)
  const at = authorityText.lastIndexOf('@')
  const userinfo = at === -1 ? undefined : authorityText.slice(0, at)
  // RFC 3986 §3.2.1: an "@" inside userinfo is percent-encoded; a second raw one is an error.
  if (userinfo?.includes('@') === true) return 'more than one "@" in the authority'
  const authority = authorityText.slice(at + 1)
  const split = splitHostPort(authority)
  if (split === undefined) return `bad authority "${authority}"`
  const segments = path.split('/')
  const last = segments.pop() ?? ''
  // RFC 1738 §3.2.2: ";type=<typecode>" ends the url-path.
  const typed = /^(.*);type=([^;/]*)$/i.exec(last)
  segments.push(typed === null ? last : (typed[1] ?? ''))
  return {
    host: split.host,
    port: split.port,
    authority,
    userinfo,
    segments,
    typecode: typed === null ? undefined : (typed[2] ?? ''),
  }
}

function splitHostPort(text: string): { host: string; port: number } | undefined {
  const literal = /^\[([^\]]*)\](?::(\d*))?$/.exec(text)
  const host = literal !== null ? literal[1] : text.replace(/:\d*$/, '')
  const portText = literal !== null ? literal[2] : /:(\d*)$/.exec(text)?.[1]
  if (host === undefined || host === '') return undefined
  if (literal !== null ? !isIPv6(host) : !REG_NAME.test(host)) return undefined
  if (portText === undefined || portText === '') return { host, port: 21 }
  if (!/^\d{1,5}$/.test(portText)) return undefined
  const port = Number(portText)
  return port >= 1 && port <= 65535 ? { host, port } : undefined
}

/** The octets `text` stands for: each %XX one octet, everything else as itself; undefined for a bad escape. */
export function decodePercent(text: string): Buffer | undefined {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i)
    if (c !== 0x25) {
      if (c > 0xff) return undefined
      bytes.push(c)
      continue
    }
    const hex = text.slice(i + 1, i + 3)
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined
    bytes.push(parseInt(hex, 16))
    i += 2
  }
  return Buffer.from(bytes)
}

/** Percent-encodes every octet but the unreserved ones (RFC 3986 §2.3), so any name is one path segment. */
export function encodeSegment(octets: Buffer): string {
  let out = ''
  for (const byte of octets) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** The URL as a page may show it: the userinfo's user at most, never its password (RFC 3986 §3.2.1). */
export function displayUrl(url: FtpUrl, path: string): string {
  const user = url.userinfo?.split(':')[0]
  return `ftp://${user === undefined || user === '' ? '' : `${user}@`}${url.authority}${path}`
}
