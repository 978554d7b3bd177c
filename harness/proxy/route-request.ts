/**
 * Where a request goes, or why it is refused. Pure: the proxy server applies
 * the answer. Every refusal here is followed by closing the connection.
 */
import { authorityOf } from '../net/loopback.js'
import type { RequestHead } from '../wire/types.js'
import type { ProxyDefect } from './defects.js'
import { loopsThroughItself, transparentAuthority } from './loop-defect.js'
import {
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
  /** The seeded defect switched on, if any (harness/proxy/defects.ts). */
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

function routeConnect(head: RequestHead, config: RoutingConfig): Route {
  if (config.mode === 'reverse')
    return reject(405, 'CONNECT is not supported by a reverse proxy', [
      'Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH',
    ])
  const target = parseAuthorityForm(head.target)
  if (target === undefined)
    return reject(400, `a CONNECT target must be host:port, not "${head.target}"`)
  // RFC 9110 §9.3.6: CONNECT has no content; a framed "body" would be ambiguous (CONNECT-12).
  if (head.headers.some((f) => /^(content-length|transfer-encoding)$/i.test(f.name))) {
    return reject(400, 'a CONNECT request must not carry Content-Length or Transfer-Encoding')
  }
  const problem = hostProblem(head)
  if (problem !== undefined) return reject(400, problem)
  if (!config.connectPorts.includes(target.port))
    return reject(403, `CONNECT to port ${target.port} is not allowed`)
  const to = destination(target.host, target.port, config)
  return 'kind' in to ? to : { kind: 'connect', upstream: to }
}

/** Routes one request head (RFC 9112 §3.2, §3.2.2; RFC 9110 §9.3.6). */
export function routeRequest(head: RequestHead, config: RoutingConfig): Route {
  if (head.method === 'CONNECT') return routeConnect(head, config)
  // Seeded defect 'skips-host-validation': Host is never checked, missing, repeated or malformed (HOP-14).
  const problem = config.defect === 'skips-host-validation' ? undefined : hostProblem(head)
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
