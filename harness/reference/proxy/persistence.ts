/**
 * Persistence decisions, negotiated separately on each hop (RFC 9112 §9.3,
 * §9.6, App. C.2.2). Pure. The keep-alive seeded defects that are a wrong
 * decision live here, each on the line of the rule it breaks.
 */
import type { RequestHead, ResponseHead } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'
import { connectionOptions } from './hop-by-hop.js'

/** 0 for HTTP/1.0, 1 for anything else this proxy accepted (RFC 9110 §2.5). */
export function minorVersion(version: string): 0 | 1 {
  return version === 'HTTP/1.0' ? 0 : 1
}

/**
 * Whether the client connection may stay open after this request: only for an
 * HTTP/1.1 client without `close` (RFC 9112 §9.3). A proxy MUST NOT keep a
 * persistent connection with an HTTP/1.0 client, whatever keep-alive it asks
 * for (RFC 9112 App. C.2.2, KA-05).
 */
export function clientMayPersist(head: RequestHead, defect?: ProxyDefect): boolean {
  // Seeded defect: a proxy that closes after every response (HTTP/1.0-style servers, KA-01).
  if (defect === 'closes-every-client-connection') return false
  const options = connectionOptions(head.headers)
  // Seeded defect: the 1.0 keep-alive extension honoured as if the proxy were an origin (KA-05).
  if (defect === 'persists-with-http10-client' && options.has('keep-alive')) return true
  // Seeded defect: the close option is never looked at (KA-03).
  if (defect === 'ignores-client-close') return minorVersion(head.version) === 1
  return minorVersion(head.version) === 1 && !options.has('close')
}

/**
 * Whether an upstream connection may carry another request after this
 * response (RFC 9112 §9.3, §9.6, KA-04): not after `close`, not after an
 * HTTP/1.0 response without keep-alive, not after a close-delimited body.
 */
export function upstreamMayPersist(
  head: ResponseHead,
  closeDelimited: boolean,
  defect?: ProxyDefect,
): boolean {
  // Seeded defect: no upstream keep-alive at all, one connection per request (nginx's default
  // proxy_http_version 1.0 without a keepalive pool, KA-14).
  if (defect === 'no-upstream-keep-alive') return false
  if (closeDelimited) return false
  const options = connectionOptions(head.headers)
  // Seeded defect: the origin's close is ignored and the connection pooled (KA-04).
  if (options.has('close') && defect !== 'reuses-upstream-after-close') return false
  return minorVersion(head.version) === 1 || options.has('keep-alive')
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])

/**
 * Idempotent methods (RFC 9110 §9.2.2): only these may be retried on a fresh
 * connection after a reused one failed before any response byte (RFC 9112
 * §9.3.1). Never a POST (KA-11).
 */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method)
}

/**
 * Whether a request that failed upstream may be sent again (RFC 9112 §9.3.1):
 * only an idempotent one, and only when a reused connection turned out stale.
 * Seeded defect 'retries-non-idempotent-requests': any failed request is
 * retried once on a fresh connection (the POST-twice bug of [B29], KA-11).
 */
export function mayRetry(method: string, reused: boolean, defect?: ProxyDefect): boolean {
  if (defect === 'retries-non-idempotent-requests') return true
  // Seeded defect 'retries-post-on-reused-connection': the stale-connection retry of many pools, any method (KA-11).
  if (defect === 'retries-post-on-reused-connection') return reused
  return reused && isIdempotent(method)
}

/**
 * The client's own persistence fields, for the seeded defects that forward
 * them inbound (RFC 9110 §7.6.1, RFC 9112 §9.3 say they are this hop's only):
 * 'forwards-client-close-inbound' copies a `Connection: close`,
 * 'forwards-keep-alive-from-http10-client' an HTTP/1.0 client's
 * `Connection: keep-alive` and `Keep-Alive` (the dumb proxy, KA-06). Returns
 * the lines to add to the forwarded head; none for the reference.
 */
export function leakedPersistenceLines(head: RequestHead, defect?: ProxyDefect): string[] {
  const options = connectionOptions(head.headers)
  if (defect === 'forwards-client-close-inbound' && options.has('close'))
    return ['Connection: close']
  if (
    defect === 'forwards-keep-alive-from-http10-client' &&
    minorVersion(head.version) === 0 &&
    options.has('keep-alive')
  ) {
    const keepAlive = head.headers.filter((f) => f.name.toLowerCase() === 'keep-alive')
    return ['Connection: keep-alive', ...keepAlive.map((f) => `Keep-Alive: ${f.value}`)]
  }
  return []
}

/** `head` (a serialized request head) with the leaked persistence lines of a seeded defect; itself for the reference. */
export function withLeakedPersistence(
  headBytes: Buffer,
  head: RequestHead,
  defect?: ProxyDefect,
): Buffer {
  const lines = leakedPersistenceLines(head, defect)
  if (lines.length === 0) return headBytes
  // Before the empty line that ends the head.
  const body = headBytes.subarray(0, headBytes.length - 2)
  return Buffer.concat([
    body,
    Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'),
    headBytes.subarray(-2),
  ])
}
