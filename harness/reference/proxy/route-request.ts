/**
 * Where a request goes, or why it is refused. Pure: the proxy server applies
 * the answer. Every refusal here is followed by closing the connection.
 */
import { authorityOf } from '../../net/loopback.js'
import type { RequestHead } from '../../wire/types.js'
import type { ProxySteps } from './steps/index.js'
import { passedThrough } from './via.js'
import type { ProxyCredentials } from './proxy-auth.js'
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
  /** Transitional: read only by the proxy-authentication check below. */
  /** Whether this forward proxy gateways absolute-form `ftp://` requests itself (ReferenceProxyOptions.ftpGateway). */
  readonly ftpGateway?: boolean
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
  /** An absolute-form `ftp://` request this proxy answers as an HTTP→FTP gateway (ftpGateway). */
  | { readonly kind: 'ftp' }

export const reject = (status: number, text: string, headers?: readonly string[]): Route =>
  headers === undefined
    ? { kind: 'reject', status, text }
    : { kind: 'reject', status, text, headers }

export const upstreamOf = (address: string, port: number): Upstream => ({
  address,
  port,
  key: authorityOf(address, port),
})

/**
 * RFC 9112 §3.2: an HTTP/1.1 request needs exactly one valid Host; an HTTP/1.0
 * request may have none (CONNECT-13) but not several or an invalid one.
 */
export function hostProblem(head: RequestHead): string | undefined {
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
    !config.steps.forwardsLooping(head)
  ) {
    return reject(508, 'proxyspec will not forward a request to itself')
  }
  return upstreamOf(address, port)
}

/** The host:port a CONNECT asks for (RFC 9112 §3.2.3), or undefined when malformed. */
export function connectAuthority(head: RequestHead): Authority | undefined {
  return parseAuthorityForm(head.target)
}

/** The tunnel destination: the request-target's authority, never Host (RFC 9112 §3.3, CONNECT-02). */
export function connectDestination(_head: RequestHead, target: Authority): Authority {
  return target
}

/** Why a CONNECT is refused (400) for framing a body: it has no content (RFC 9110 §9.3.6, CONNECT-12). */
export function connectFramingProblem(head: RequestHead): string | undefined {
  return head.headers.some((f) => /^(content-length|transfer-encoding)$/i.test(f.name))
    ? 'a CONNECT request must not carry Content-Length or Transfer-Encoding'
    : undefined
}

/**
 * Why a CONNECT to `target` is forbidden (403): a port outside the allow-list
 * (RFC 9110 §9.3.6: proxies SHOULD restrict CONNECT to a limited set of ports).
 * An ALPN header (RFC 7639 §2.3) is only advisory, so it is never a reason.
 */
export function connectForbidden(
  _head: RequestHead,
  target: Authority,
  allowedPorts: readonly number[],
): string | undefined {
  return allowedPorts.includes(target.port)
    ? undefined
    : `CONNECT to port ${target.port} is not allowed`
}

/** What a gateway answers to CONNECT: 405 with Allow, it is no tunnel (RFC 9110 §9.3.6, §15.5.6). */
export function gatewayConnect(): Route {
  return reject(405, 'CONNECT is not supported by a reverse proxy', [
    'Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH',
  ])
}

/** Routes a CONNECT (RFC 9110 §9.3.6). */
export function routeConnect(head: RequestHead, config: RoutingConfig): Route {
  const { steps } = config
  if (config.mode === 'reverse') return steps.gatewayConnect(head, config)
  const parsed = steps.connectAuthority(head)
  if (parsed === undefined)
    return reject(400, `a CONNECT target must be host:port, not "${head.target}"`)
  const target = steps.connectDestination(head, parsed)
  const framing = steps.connectFramingProblem(head)
  if (framing !== undefined) return reject(400, framing)
  const problem = steps.hostProblem(head)
  if (problem !== undefined) return reject(400, problem)
  const forbidden = steps.connectForbidden(head, target, config.connectPorts)
  if (forbidden !== undefined) return reject(403, forbidden)
  const to = destination(target.host, target.port, config)
  return 'kind' in to ? to : { kind: 'connect', upstream: to }
}

/**
 * Whether a request that would go round through this proxy again (its own Via
 * member, or addressed to this proxy itself) is forwarded: never, it is a loop
 * (RFC 9110 §7.6, HOP-19). `head` is undefined for a CONNECT.
 */
export function forwardsLooping(): boolean {
  return false
}

/**
 * Where a forward proxy sends an origin-form request: nowhere, it needs the
 * absolute-form (RFC 9112 §3.2.2), so undefined and the request is refused.
 */
export function originFormAuthority(): Authority | undefined {
  return undefined
}

/**
 * Where an absolute-form request of a scheme other than http goes: an `ftp://`
 * target to the FTP gateway when this forward proxy has one (RFC 9112 §3.2.2
 * lets a proxy be asked for any scheme; RFC 1738 §3.2 the ftp URL); anything
 * else nowhere (undefined: 501, as before).
 */
export function routeFtp(
  _head: RequestHead,
  scheme: string,
  config: RoutingConfig,
): Route | undefined {
  return scheme === 'ftp' && config.mode === 'forward' && config.ftpGateway === true
    ? { kind: 'ftp' }
    : undefined
}

/** Routes one request head (RFC 9112 §3.2, §3.2.2; RFC 9110 §9.3.6). */
export function routeRequest(head: RequestHead, config: RoutingConfig): Route {
  // RFC 9110 §11.4: a proxy that requires authentication answers missing or invalid credentials with 407.
  if (
    config.mode === 'forward' &&
    config.proxyAuth !== undefined &&
    !config.steps.authorized(head, config.proxyAuth, config.steps.basicCredentials)
  )
    return reject(407, 'proxyspec: proxy credentials required', config.steps.proxyChallenge())
  if (head.method === 'CONNECT') return routeConnect(head, config)
  // RFC 9110 §7.6: our own Via member means the request went round, through whatever relays: a loop.
  if (
    config.viaName !== undefined &&
    passedThrough(head.headers, config.viaName) &&
    !config.steps.forwardsLooping(head)
  )
    return reject(508, 'proxyspec has forwarded this request before (its own Via): a loop')
  const problem = config.steps.hostProblem(head)
  if (problem !== undefined) return reject(400, problem)
  const absolute = parseAbsoluteForm(head.target, head.method)
  if (absolute.kind === 'invalid') return reject(400, `invalid request-target: ${absolute.why}`)
  if (absolute.kind === 'unsupported-scheme')
    return (
      config.steps.routeFtp(head, absolute.scheme, config) ??
      reject(501, `proxyspec does not fetch ${absolute.scheme}: targets`)
    )
  if (config.mode === 'forward') {
    const transparent = config.steps.originFormAuthority(head)
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
