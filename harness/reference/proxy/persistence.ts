/**
 * Persistence decisions, negotiated separately on each hop (RFC 9112 §9.3,
 * §9.6, App. C.2.2). Pure. Each is a step of the pipeline
 * (steps/persistence.ts), called through the proxy's `steps`.
 */
import type { RequestHead, ResponseHead } from '../../wire/types.js'
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
export function clientMayPersist(head: RequestHead): boolean {
  return minorVersion(head.version) === 1 && !connectionOptions(head.headers).has('close')
}

/**
 * Whether an upstream connection may carry another request after this
 * response (RFC 9112 §9.3, §9.6, KA-04): not after `close`, not after an
 * HTTP/1.0 response without keep-alive, not after a close-delimited body.
 */
export function upstreamMayPersist(head: ResponseHead, closeDelimited: boolean): boolean {
  if (closeDelimited) return false
  const options = connectionOptions(head.headers)
  if (options.has('close')) return false
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
 */
export function mayRetry(method: string, reused: boolean): boolean {
  return reused && isIdempotent(method)
}

/**
 * Whether a request that failed upstream ends the client's pipeline: a
 * non-idempotent one may have been processed, so the proxy answers what it
 * has and closes (RFC 9112 §9.3.2, KA-10).
 */
export function failureEndsPipeline(method: string): boolean {
  return !isIdempotent(method)
}

/**
 * The persistence lines (Connection, Keep-Alive) added to the forwarded
 * request on the client's behalf: none. The client's persistence fields are
 * its own hop's (RFC 9110 §7.6.1, RFC 9112 §9.3); the upstream connection is
 * negotiated on its own (KA-06).
 */
export function inboundPersistenceLines(): string[] {
  return []
}

/** `head` (a serialized request head) with `lines` added before the empty line that ends it; itself when there are none. */
export function withHeadLines(headBytes: Buffer, lines: readonly string[]): Buffer {
  if (lines.length === 0) return headBytes
  return Buffer.concat([
    headBytes.subarray(0, headBytes.length - 2),
    Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1'),
    headBytes.subarray(-2),
  ])
}
