/**
 * Where a request goes, or why it is refused. Pure: the proxy server applies
 * the answer. Every refusal here is followed by closing the connection.
 */
import { authorityOf } from '../../net/loopback.js'
import type { RequestHead } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'
import type { ProxySteps } from './steps/index.js'
import { loopsThroughItself, transparentAuthority } from './loop-defect.js'
import { passedThrough } from './via.js'
import { authorized, challengeLines, type ProxyCredentials } from './proxy-auth.js'
import {
  type Authority,
  isOriginForm,
  isValidHostValue,
  loopbackAddress,
  parseAbsoluteForm,
  parseAuthorityForm,
} from './request-target.js'

/** What routing depends on. */
export interface RoutingConfig {
  readonly mode: 'forward' | 'reverse'
  /** The reverse proxy's upstream, already checked to be loopback. */
  readonly upstream?: { readonly address: string; readonly port: number }
  readonly connectPorts: readonly number[]
  readonly hosts: Readonly<Record<string, string>>
  /** Our own listening address, to refuse loops (RFC 9110 §7.6, HOP-19). */
  readonly self: { readonly address: string; readonly port: number }
  /** Our received-by in Via: a request that carries it has been here before (HOP-19). */
  readonly viaName?: string
  /** The next-hop proxy every CONNECT goes through, already checked to be loopback. */
  readonly nextHop?: { readonly address: string; readonly port: number }
  /** Credentials a forward request or CONNECT must carry (RFC 9110 §11.7.2); none: no auth. */
  readonly proxyAuth?: ProxyCredentials | undefined
  /** The pipeline's steps (steps/index.ts). */
  readonly steps: ProxySteps
  /** The seeded defect switched on, if any (harness/reference/proxy/defects.ts). */
  readonly defect?: ProxyDefect | undefined
}

/** An upstream address and port, plus the pool key for it. */
export interface Upstream {
  readonly address: string
  readonly port: number
  readonly key: string
}

/** Refuse (status, then close), tunnel, or forward with this target and Host. */
export type Route =
  | {
      readonly kind: 'reject'
      readonly status: number
      readonly text: string
      readonly headers?: readonly string[]
    }
  | { readonly kind: 'connect'; readonly upstream: Upstream }
  | {
      readonly kind: 'forward'
      readonly upstream: Upstream
      readonly target: string
      readonly host: { readonly mode: 'rebuild' | 'keep'; readonly value: string }
    }

const reject = (status: number, text: string, headers?: readonly string[]): Route =>
  headers === undefined
    ? { kind: 'reject', status, text }
    : { kind: 'reject', status, text, headers }

const upstreamOf = (address: string, port: number): Upstream => ({
  address,
  port,
  key: authorityOf(address, port),
})

/**
 * RFC 9112 §3.2: an HTTP/1.1 request needs exactly one valid Host; an HTTP/1.0
 * request may have none (CONNECT-13) but not several or an invalid one.
 */
function hostProblem(head: RequestHead): string | undefined {
  const hosts = head.headers.filter((f) => f.name.toLowerCase() === 'host')
  if (hosts.length === 0)
    return head.version === 'HTTP/1.0' ? undefined : 'an HTTP/1.1 request without Host'
  if (hosts.length > 1) return `${hosts.length} Host field lines`
  const value = hosts[0]?.value ?? ''
  return isValidHostValue(value) ? undefined : `an invalid Host value "${value}"`
}

/** Refuses what is not loopback, and ourselves; else the upstream. */
function destination(
  host: string,
  port: number,
  config: RoutingConfig,
  head?: RequestHead,
): Upstream | Route {
  const address = loopbackAddress(host, config.hosts)
  if (address === undefined)
    return reject(403, `proxyspec only connects to loopback addresses, not ${host}`)
  // 508 (RFC 5842 §7.2) says what happened more plainly than a 400 would.
  if (
    address === config.self.address &&
    port === config.self.port &&
    !loopsThroughItself(head, config.defect)
  ) {
    return reject(508, 'proxyspec will not forward a request to itself')
  }
  return upstreamOf(address, port)
}

/**
 * Seeded defect 'lenient-connect-port': the port read the way atoi into a
 * 16-bit integer reads it (99999 wraps to 34463) and a missing or empty port
 * defaulted to 443, instead of refusing (CONNECT-01).
 */
function lenientAuthority(text: string): Authority | undefined {
  const match = /^([^:[\]/]+|\[[^\]]+\])(?::(\d*))?$/.exec(text)
  if (match === null) return undefined
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '')
  const port = match[2] === undefined || match[2] === '' ? 443 : Number(match[2]) & 0xffff
  return port === 0 ? undefined : { host, port, text }
}

/** The host:port a CONNECT asks for (RFC 9112 §3.2.3), or undefined when malformed. */
function connectTarget(head: RequestHead, defect: ProxyDefect | undefined): Authority | undefined {
  if (defect === 'lenient-connect-port') return lenientAuthority(head.target)
  // Seeded defect 'splits-authority-at-first-colon': "[::1]:443" becomes host "[" and
  // an unreadable port, so IPv6 literals are refused (CONNECT-02).
  if (defect === 'splits-authority-at-first-colon') {
    const colon = head.target.indexOf(':')
    const [host, port] = [head.target.slice(0, colon), head.target.slice(colon + 1)]
    const valid = colon > 0 && /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535
    return valid ? { host, port: Number(port), text: head.target } : undefined
  }
  // Seeded defect 'connect-accepts-uri-form': "CONNECT http://host:port/" taken for its authority.
  const uri = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(head.target)
  if (defect === 'connect-accepts-uri-form' && uri !== null) return parseAuthorityForm(uri[1] ?? '')
  return parseAuthorityForm(head.target)
}

/** The tunnel destination: the request-target's authority, never Host (RFC 9112 §3.3, CONNECT-02). */
function connectDestination(head: RequestHead, target: Authority, defect?: ProxyDefect): Authority {
  // Seeded defect 'connect-routes-by-host-field': a Host field overrides the request-target.
  const host = head.headers.find((f) => f.name.toLowerCase() === 'host')?.value
  const fromHost = host === undefined ? undefined : parseAuthorityForm(host)
  return defect === 'connect-routes-by-host-field' && fromHost !== undefined ? fromHost : target
}

/**
 * Seeded defect 'refuses-unknown-alpn': an ALPN header (RFC 7639) naming a
 * protocol other than h2 or http/1.1 gets a 403, where it is only advisory
 * (RFC 7639 §2.3, CONNECT-15).
 */
function unknownAlpn(head: RequestHead): boolean {
  const known = new Set(['h2', 'http/1.1'])
  return head.headers
    .filter((f) => f.name.toLowerCase() === 'alpn')
    .flatMap((f) => f.value.split(','))
    .map((token) => decodeURIComponent(token.trim()).toLowerCase())
    .some((protocol) => protocol !== '' && !known.has(protocol))
}

/** Routes a CONNECT (RFC 9110 §9.3.6); the defect hooks are the connect area's seeded bugs. */
export function routeConnect(head: RequestHead, config: RoutingConfig): Route {
  const defect = config.defect
  // Seeded defect 'reverse-forwards-connect': a gateway that sends CONNECT on to its
  // upstream as an ordinary request (its 200 then comes back re-framed, CONNECT-03).
  if (config.mode === 'reverse' && defect === 'reverse-forwards-connect' && config.upstream)
    return {
      kind: 'forward',
      upstream: upstreamOf(config.upstream.address, config.upstream.port),
      target: head.target,
      host: { mode: 'keep', value: head.target },
    }
  if (config.mode === 'reverse')
    return reject(405, 'CONNECT is not supported by a reverse proxy', [
      'Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH',
    ])
  const parsed = connectTarget(head, defect)
  if (parsed === undefined)
    return reject(400, `a CONNECT target must be host:port, not "${head.target}"`)
  const target = connectDestination(head, parsed, defect)
  // RFC 9110 §9.3.6: CONNECT has no content; a framed "body" would be ambiguous (CONNECT-12).
  // Seeded defect 'consumes-connect-body' lets it through (and the tunnel then swallows it).
  if (
    defect !== 'consumes-connect-body' &&
    head.headers.some((f) => /^(content-length|transfer-encoding)$/i.test(f.name))
  ) {
    return reject(400, 'a CONNECT request must not carry Content-Length or Transfer-Encoding')
  }
  // Seeded defect 'requires-host-on-http10-connect': Host demanded of HTTP/1.0 too (RFC 9112 §3.2, CONNECT-13).
  const problem =
    defect === 'requires-host-on-http10-connect' &&
    !head.headers.some((f) => f.name.toLowerCase() === 'host')
      ? 'a CONNECT without Host'
      : hostProblem(head)
  if (problem !== undefined) return reject(400, problem)
  // Seeded defect 'tunnels-to-any-port': no allow-list at all, tinyproxy's default [B10].
  if (defect !== 'tunnels-to-any-port' && !config.connectPorts.includes(target.port))
    return reject(403, `CONNECT to port ${target.port} is not allowed`)
  if (defect === 'refuses-unknown-alpn' && unknownAlpn(head))
    return reject(403, 'proxyspec does not tunnel that ALPN protocol')
  const to = destination(target.host, target.port, config)
  return 'kind' in to ? to : { kind: 'connect', upstream: to }
}

/** Routes one request head (RFC 9112 §3.2, §3.2.2; RFC 9110 §9.3.6). */
export function routeRequest(head: RequestHead, config: RoutingConfig): Route {
  // RFC 9110 §11.4: a proxy that requires authentication answers missing or invalid credentials with 407.
  if (
    config.mode === 'forward' &&
    config.proxyAuth !== undefined &&
    !authorized(head, config.proxyAuth, config.defect)
  )
    return reject(407, 'proxyspec: proxy credentials required', challengeLines(config.defect))
  if (head.method === 'CONNECT') return routeConnect(head, config)
  // RFC 9110 §7.6: our own Via member means the request went round, through whatever relays: a loop.
  if (
    config.viaName !== undefined &&
    passedThrough(head.headers, config.viaName) &&
    !loopsThroughItself(head, config.defect)
  )
    return reject(508, 'proxyspec has forwarded this request before (its own Via): a loop')
  // Seeded defect 'skips-host-validation': Host is never checked, missing, repeated or malformed (HOP-14).
  // Seeded defect 'forwards-received-host-unchecked': the same for absolute-form only (RFC 9112 §3.2.2).
  const unchecked =
    config.defect === 'skips-host-validation' ||
    (config.defect === 'forwards-received-host-unchecked' && /^http:\/\//i.test(head.target))
  const problem = unchecked ? undefined : hostProblem(head)
  if (problem !== undefined) return reject(400, problem)
  const absolute = parseAbsoluteForm(head.target, head.method)
  if (absolute.kind === 'invalid') return reject(400, `invalid request-target: ${absolute.why}`)
  if (absolute.kind === 'unsupported-scheme')
    return reject(501, `proxyspec does not fetch ${absolute.scheme}: targets`)
  if (config.mode === 'forward') {
    const transparent = transparentAuthority(head, config.defect)
    if (absolute.kind !== 'ok' && transparent !== undefined && isOriginForm(head.target)) {
      const to = destination(transparent.host, transparent.port, config, head)
      if ('kind' in to) return to
      return {
        kind: 'forward',
        upstream: to,
        target: head.target,
        host: { mode: 'keep', value: transparent.text },
      }
    }
    if (absolute.kind !== 'ok')
      return reject(400, 'a forward proxy needs an absolute-form request-target')
    const to = destination(absolute.target.host, absolute.target.port, config, head)
    if ('kind' in to) return to
    return {
      kind: 'forward',
      upstream: to,
      target: absolute.target.originForm,
      host: { mode: 'rebuild', value: absolute.target.text },
    }
  }
  const upstream = config.upstream
  if (upstream === undefined) return reject(502, 'no upstream configured')
  const fixed = upstreamOf(upstream.address, upstream.port)
  if (absolute.kind === 'ok') {
    // RFC 9112 §3.2.2: a server accepts absolute-form; the target's authority is the Host.
    return {
      kind: 'forward',
      upstream: fixed,
      target: absolute.target.originForm,
      host: { mode: 'rebuild', value: absolute.target.text },
    }
  }
  if (!isOriginForm(head.target) && !(head.target === '*' && head.method === 'OPTIONS')) {
    return reject(400, `a reverse proxy needs an origin-form request-target, not "${head.target}"`)
  }
  return {
    kind: 'forward',
    upstream: fixed,
    target: head.target,
    host: { mode: 'keep', value: fixed.key },
  }
}
