/**
 * The reference implementations of the request validation steps (RFC 9113
 * §8.1.1, §8.2, §8.3; RFC 8441 §4). Pure: each takes the decoded fields and
 * says what is malformed, or nothing.
 */
import type { H2Field, H2RequestHead, Problem, RequestPseudo } from './types.js'

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/

/** The request pseudo-header fields RFC 9113 §8.3.1 defines (and RFC 8441's :protocol). */
export const REQUEST_PSEUDO = [':method', ':scheme', ':authority', ':path', ':protocol'] as const

/**
 * RFC 9113 §8.2.1 and RFC 9110 §5.1: a name is not empty, lowercase, and
 * only token characters (so no controls, SP, DEL, non-ASCII, or a colon in a
 * regular name); a pseudo-header name is one colon and such a token.
 */
export function validateFieldNames(fields: readonly H2Field[]): Problem {
  for (const { name } of fields) {
    if (name === '') return 'an empty field name'
    const bare = name.startsWith(':') ? name.slice(1) : name
    if (!TCHAR.test(bare)) return `the field name ${JSON.stringify(name)} is not a lowercase token`
  }
  return undefined
}

/**
 * RFC 9113 §8.2.1: no NUL, CR or LF anywhere, no leading or trailing SP or
 * HTAB; and the RFC 9110 §5.5 grammar (no other control octet, no DEL) it
 * says a value SHOULD be checked against.
 */
export function validateFieldValues(fields: readonly H2Field[]): Problem {
  for (const { name, value } of fields) {
    if (/^[ \t]|[ \t]$/.test(value)) return `the value of ${name} starts or ends with whitespace`
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value))
      return `the value of ${name} holds a control octet (NUL, CR, LF, DEL or another)`
  }
  return undefined
}

/** RFC 9113 §8.3.1 (RFC 3986 §3.2.2, §3.2.3): host[:port], no userinfo, nothing but a reg-name, IPv4 or IP-literal. */
export function authorityProblem(authority: string): Problem {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::([0-9]*))?$/.exec(authority)
  if (match === null) return `:authority ${JSON.stringify(authority)} is not host[:port]`
  const port = match[2]
  if (port !== undefined && port !== '' && Number(port) > 65_535)
    return `:authority ${JSON.stringify(authority)} has a port beyond 65535`
  return undefined
}

/** RFC 9113 §8.3.1: `/` then no SP, controls, `#` or non-ASCII; `*` only for OPTIONS. */
export function pathProblem(path: string, method: string): Problem {
  if (path === '') return 'an empty :path'
  if (path === '*')
    return method === 'OPTIONS' ? undefined : ':path * on a method other than OPTIONS'
  if (!path.startsWith('/')) return `:path ${JSON.stringify(path)} does not start with /`
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20#\x7f-\xff]/.test(path))
    return `:path ${JSON.stringify(path)} holds SP, #, or a control or non-ASCII octet`
  return undefined
}

/**
 * RFC 9113 §8.3 and §8.3.1 (RFC 8441 §4): only the defined pseudo-header
 * fields, each at most once, all before the regular fields; :method a token;
 * :scheme a scheme; :path and :authority well formed; :method, :scheme and
 * :path present except on CONNECT (whose form connectRequest checks, §8.5);
 * :protocol only on CONNECT and only when the front advertised
 * SETTINGS_ENABLE_CONNECT_PROTOCOL.
 */
export function validatePseudoHeaders(
  fields: readonly H2Field[],
  options: { readonly connectProtocol: boolean },
): Problem {
  const seen = new Map<string, string>()
  let regular = false
  for (const { name, value } of fields) {
    if (!name.startsWith(':')) {
      regular = true
      continue
    }
    if (regular) return `${name} after a regular field`
    if (!(REQUEST_PSEUDO as readonly string[]).includes(name))
      return `${name} is not a request pseudo-header field`
    if (name === ':protocol' && !options.connectProtocol)
      return ':protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL'
    if (seen.has(name)) return `${name} twice`
    seen.set(name, value)
  }
  const method = seen.get(':method')
  if (method === undefined) return 'no :method'
  if (!TOKEN.test(method)) return `:method ${JSON.stringify(method)} is not a token`
  const scheme = seen.get(':scheme')
  if (scheme !== undefined && !SCHEME.test(scheme))
    return `:scheme ${JSON.stringify(scheme)} is not a scheme`
  const authority = seen.get(':authority')
  if (authority !== undefined) {
    const problem = authorityProblem(authority)
    if (problem !== undefined) return problem
  }
  const protocol = seen.get(':protocol')
  if (protocol !== undefined && method !== 'CONNECT')
    return ':protocol on a method other than CONNECT'
  // A plain CONNECT has its own form (RFC 9113 §8.5): connectRequest checks it.
  if (method === 'CONNECT' && protocol === undefined) return undefined
  if (scheme === undefined) return 'no :scheme'
  const path = seen.get(':path')
  if (path === undefined) return 'no :path'
  return pathProblem(path, method)
}

/** RFC 9113 §8.1: a trailer section ends the stream and carries no pseudo-header field. */
export function validateTrailers(fields: readonly H2Field[], endStream: boolean): Problem {
  if (!endStream) return 'a second HEADERS frame without END_STREAM'
  const pseudo = fields.find((f) => f.name.startsWith(':'))
  return pseudo === undefined ? undefined : `${pseudo.name} in a trailer section`
}

/** RFC 9113 §8.2.2: the connection-specific fields that make an h2 request malformed. */
export const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
])

/** RFC 9113 §8.2.2: any connection-specific field, or TE with anything but "trailers". */
export function rejectConnectionSpecific(fields: readonly H2Field[]): Problem {
  for (const { name, value } of fields) {
    if (CONNECTION_SPECIFIC.has(name)) return `the connection-specific field ${name}`
    if (name === 'te' && value !== 'trailers') return `te: ${value}`
  }
  return undefined
}

/** The content-length values of a request, or a problem when they are invalid or disagree (RFC 9110 §8.6). */
export function declaredLength(values: readonly string[]): number | Problem | undefined {
  let length: number | undefined
  for (const value of values) {
    for (const element of value.split(',')) {
      const digits = element.trim()
      if (!/^[0-9]{1,15}$/.test(digits)) return `content-length ${JSON.stringify(value)}`
      const n = Number(digits)
      if (length !== undefined && n !== length)
        return `content-length values ${values.join(' and ')} differ`
      length = n
    }
  }
  return length
}

/**
 * RFC 9113 §8.1.1: a content-length that is invalid, several that differ, or
 * one the DATA payloads overrun (`received`) or, once the stream ended
 * (`ended`), fall short of, makes the request malformed.
 */
export function checkContentLength(
  values: readonly string[],
  received: number,
  ended: boolean,
): Problem {
  const length = declaredLength(values)
  if (typeof length === 'string') return length
  if (length === undefined) return undefined
  if (received > length) return `${received} octets of DATA against content-length ${length}`
  if (ended && received !== length)
    return `the stream ended after ${received} octets of DATA against content-length ${length}`
  return undefined
}

/** RFC 9113 §8.2.3: cookie crumbs become one field, joined with "; ", where the first one was. */
export function joinCookies(fields: readonly H2Field[]): H2Field[] {
  const crumbs = fields.filter((f) => f.name === 'cookie').map((f) => f.value)
  if (crumbs.length < 2) return [...fields]
  const out: H2Field[] = []
  let placed = false
  for (const field of fields) {
    if (field.name !== 'cookie') out.push(field)
    else if (!placed) {
      placed = true
      out.push({ name: 'cookie', value: crumbs.join('; ') })
    }
  }
  return out
}

/** host[:port] lowercased, without the scheme's default port, for comparing two authorities. */
function normalAuthority(authority: string, scheme: string | undefined): string {
  const lower = authority.toLowerCase()
  const defaultPort = scheme === 'https' ? ':443' : scheme === 'http' ? ':80' : undefined
  return defaultPort !== undefined && lower.endsWith(defaultPort)
    ? lower.slice(0, -defaultPort.length)
    : lower
}

/**
 * RFC 9113 §8.3.1: the Host of the HTTP/1.1 request is :authority, whatever
 * host field came; a host field naming another entity makes the request
 * malformed (SHOULD). Without :authority, the one host field is the Host
 * (none gives an empty Host, RFC 9112 §3.2).
 */
export function hostFromAuthority(
  head: H2RequestHead,
): { readonly host: string } | { readonly problem: string } {
  const hosts = head.fields.filter((f) => f.name === 'host').map((f) => f.value)
  const { authority, scheme } = head.pseudo
  if (authority === undefined) {
    if (hosts.length > 1) return { problem: 'several host fields and no :authority' }
    const host = hosts[0] ?? ''
    if (host !== '') {
      const problem = authorityProblem(host)
      if (problem !== undefined) return { problem: `host: ${problem}` }
    }
    return { host }
  }
  const other = hosts.find((h) => normalAuthority(h, scheme) !== normalAuthority(authority, scheme))
  if (other !== undefined)
    return { problem: `host ${other} names another entity than :authority ${authority}` }
  return { host: authority }
}

/** The pseudo-header fields (the first of each) and the regular fields of a request block. */
export function splitRequestBlock(fields: readonly H2Field[]): H2RequestHead {
  const pseudo: Record<string, string> = {}
  const regular: H2Field[] = []
  for (const field of fields) {
    if (!field.name.startsWith(':')) regular.push(field)
    else if (!(field.name in pseudo)) pseudo[field.name] = field.value
  }
  const value = (name: string): Partial<Record<keyof RequestPseudo, string>> => {
    const v = pseudo[`:${name}`]
    return v === undefined ? {} : { [name]: v }
  }
  return {
    pseudo: {
      method: pseudo[':method'] ?? '',
      ...value('scheme'),
      ...value('authority'),
      ...value('path'),
      ...value('protocol'),
    },
    fields: regular,
  }
}
