/**
 * The HTTP/1.1 request an h2 request becomes on the internal connection
 * (RFC 9113 §8.3.1; RFC 9112 §3, §6): one request line, one Host, the
 * regular fields, one framing.
 */
import type { FrontMode, H1Framing, H2Field, H2RequestHead } from './types.js'

/** What buildRequestHead turns into bytes. */
export interface OutgoingRequest {
  /** The validated request, cookies already joined. */
  readonly head: H2RequestHead
  /** The Host value (hostFromAuthority). */
  readonly host: string
  readonly mode: FrontMode
  readonly framing: H1Framing
  /**
   * The client's trailer section when it came before the request went out
   * (held to END_STREAM); it goes in the last chunk, never in the head.
   */
  readonly trailers?: readonly H2Field[]
}

/** Fields the front writes itself, never copied: Host, the framing, TE (re-sent with its connection option). */
const WRITTEN_HERE = new Set(['host', 'content-length', 'te'])

/**
 * The request-target: origin-form (`:path`, or `*`) in reverse mode,
 * absolute-form from :scheme, :authority and :path in forward mode (RFC 9112
 * §3.2.2; OPTIONS `*` as an absolute-form without a path, §3.2.4).
 */
export function requestTarget(request: OutgoingRequest): string {
  const { pseudo } = request.head
  const path = pseudo.path ?? '/'
  if (request.mode === 'reverse') return path
  const authority = pseudo.authority ?? request.host
  return `${pseudo.scheme ?? 'http'}://${authority}${path === '*' ? '' : path}`
}

/**
 * The head of the HTTP/1.1 request: `method target HTTP/1.1`, Host first, the
 * regular fields in order, `TE: trailers` with its `te` connection option
 * when the client sent it (RFC 9110 §10.1.4), then Content-Length or
 * `Transfer-Encoding: chunked`, never both, nothing for no body.
 */
export function buildRequestHead(request: OutgoingRequest): Buffer {
  const lines = [
    `${request.head.pseudo.method} ${requestTarget(request)} HTTP/1.1`,
    `Host: ${request.host}`,
  ]
  for (const { name, value } of request.head.fields) {
    if (!WRITTEN_HERE.has(name)) lines.push(`${name}: ${value}`)
  }
  if (request.head.fields.some((f) => f.name === 'te' && f.value === 'trailers')) {
    lines.push('TE: trailers', 'Connection: te')
  }
  if (request.framing.kind === 'content-length')
    lines.push(`Content-Length: ${request.framing.length}`)
  if (request.framing.kind === 'chunked') lines.push('Transfer-Encoding: chunked')
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
}
