/**
 * Pure parsing of request-targets and Host values (RFC 9112 §3.2, RFC 9110
 * §4.2, §7.2), and the loopback rule: this harness only ever connects to
 * 127.0.0.0/8, ::1 and names the caller mapped to those.
 */
import { isIPv4, isIPv6 } from 'node:net'

/** host[:port] split out of an authority; `host` keeps IPv6 brackets off. */
export interface Authority {
  readonly host: string
  readonly port: number
  /** The authority exactly as written in the target (without userinfo). */
  readonly text: string
}

/** A parsed absolute-form target. */
export interface AbsoluteTarget extends Authority {
  /** What goes in the request line toward the origin: origin-form, or "*" (RFC 9112 §3.2.4). */
  readonly originForm: string
}

// reg-name = *( unreserved / pct-encoded / sub-delims ), RFC 3986 §3.2.2, minus ","
// (a comma would make Host a list, HOP-14).
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+;=]|%[0-9A-Fa-f]{2})*$/
const IP_LITERAL = /^\[([0-9A-Fa-f:.]+)\]$/

/** Splits "host[:port]" (host may be an IP-literal). undefined when the syntax is wrong. */
function splitHostPort(text: string): { host: string; port: string | undefined } | undefined {
  const literal = /^(\[[^\]]*\])(?::(.*))?$/.exec(text)
  if (literal !== null) {
    const inner = IP_LITERAL.exec(literal[1] ?? '')?.[1]
    if (inner === undefined || !isIPv6(inner)) return undefined
    return { host: inner, port: literal[2] }
  }
  const colon = text.lastIndexOf(':')
  const host = colon === -1 ? text : text.slice(0, colon)
  if (!REG_NAME.test(host)) return undefined
  return { host, port: colon === -1 ? undefined : text.slice(colon + 1) }
}

/** A port 1..65535 written as 1-5 digits, or undefined. */
function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined
  const port = Number(text)
  return port >= 1 && port <= 65535 ? port : undefined
}

/**
 * A Host field value is `uri-host [ ":" port ]` (RFC 9110 §7.2). No userinfo,
 * no list, no whitespace; the port, if any, is digits.
 */
export function isValidHostValue(value: string): boolean {
  const parts = splitHostPort(value)
  return parts !== undefined && (parts.port === undefined || /^\d*$/.test(parts.port))
}

/**
 * The authority-form of CONNECT (RFC 9112 §3.2.3): exactly `host:port`, with a
 * numeric port 1..65535 (RFC 9110 §9.3.6). Anything else is undefined.
 */
export function parseAuthorityForm(target: string): Authority | undefined {
  const parts = splitHostPort(target)
  if (parts === undefined || parts.host === '' || parts.port === undefined) return undefined
  const port = parsePort(parts.port)
  return port === undefined ? undefined : { host: parts.host, port, text: target }
}

/** The outcome of parseAbsoluteForm. */
export type AbsoluteFormResult =
  | { readonly kind: 'ok'; readonly target: AbsoluteTarget }
  | { readonly kind: 'not-absolute' }
  | { readonly kind: 'unsupported-scheme'; readonly scheme: string }
  | { readonly kind: 'invalid'; readonly why: string }

/**
 * Parses an absolute-form target `http://host[:port][/path][?query]` (RFC 9112
 * §3.2.2). The path and query are kept byte for byte (RFC 9110 §7.7: no
 * normalisation); an empty path becomes "/", or "*" for a server-wide OPTIONS
 * (RFC 9112 §3.2.4).
 */
export function parseAbsoluteForm(target: string, method: string): AbsoluteFormResult {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(target)
  if (scheme === null) return { kind: 'not-absolute' }
  const name = (scheme[1] ?? '').toLowerCase()
  if (name !== 'http') return { kind: 'unsupported-scheme', scheme: name }
  const rest = target.slice(scheme[0].length)
  if (rest.includes('#')) return { kind: 'invalid', why: 'a fragment in the request-target' }
  const end = rest.search(/[/?]/)
  const text = end === -1 ? rest : rest.slice(0, end)
  const pathAndQuery = end === -1 ? '' : rest.slice(end)
  // RFC 9110 §4.2.4: userinfo in an http URI is an error to be treated as such.
  if (text.includes('@')) return { kind: 'invalid', why: 'userinfo in the authority' }
  const parts = splitHostPort(text)
  if (parts === undefined || parts.host === '')
    return { kind: 'invalid', why: `bad authority "${text}"` }
  const port = parts.port === undefined || parts.port === '' ? 80 : parsePort(parts.port)
  if (port === undefined) return { kind: 'invalid', why: `bad port in "${text}"` }
  const originForm =
    pathAndQuery === ''
      ? method === 'OPTIONS'
        ? '*'
        : '/'
      : pathAndQuery.startsWith('?')
        ? `/${pathAndQuery}`
        : pathAndQuery
  return { kind: 'ok', target: { host: parts.host, port, text, originForm } }
}

/** True for the origin-form `/path[?query]` (RFC 9112 §3.2.1). */
export function isOriginForm(target: string): boolean {
  return target.startsWith('/')
}

/**
 * The address to connect to for `host`, when it is loopback: 127.0.0.0/8, ::1,
 * "localhost" (127.0.0.1, resolved here: no resolver is ever asked), or a name
 * in `hosts` that maps to one of those. undefined for anything else: the
 * harness must never send traffic off the machine.
 */
export function loopbackAddress(
  host: string,
  hosts: Readonly<Record<string, string>> = {},
): string | undefined {
  const name = host.toLowerCase()
  const mapped = Object.hasOwn(hosts, name)
    ? hosts[name]
    : name === 'localhost'
      ? '127.0.0.1'
      : name
  if (mapped === undefined) return undefined
  if (isIPv4(mapped)) return mapped.startsWith('127.') ? mapped : undefined
  if (isIPv6(mapped)) return isIPv6Loopback(mapped) ? '::1' : undefined
  return undefined
}

function isIPv6Loopback(address: string): boolean {
  if (address === '::1') return true
  // Spelled out: every group zero except a final 1, e.g. 0:0:0:0:0:0:0:1 or 0::0:1.
  const [head = '', tail = ''] = address.split('::')
  const groups = [...head.split(':'), ...tail.split(':')].filter((g) => g !== '')
  const last = groups.pop()
  return last !== undefined && /^0*1$/.test(last) && groups.every((g) => /^0+$/.test(g))
}
