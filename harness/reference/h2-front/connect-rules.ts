/**
 * The reference implementations of the CONNECT steps (RFC 9113 §8.5; RFC
 * 8441 §4, §5; RFC 6455 §4.1, §4.2.2). Pure, but for the random key.
 */
import { createHash, randomBytes } from 'node:crypto'
import { ERROR_CODE } from '../../h2/constants.js'
import type { ResponseHead } from '../../wire/types.js'
import { authorityProblem } from './request-checks.js'
import type { H2Field, H2RequestHead } from './types.js'

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/**
 * RFC 9113 §8.5: a CONNECT carries :method and :authority host:port only;
 * :scheme or :path present, no :authority, or a missing or bad port make it
 * malformed. The target to tunnel to, or the problem.
 */
export function connectRequest(
  head: H2RequestHead,
): { readonly authority: string } | { readonly problem: string } {
  const { pseudo } = head
  if (pseudo.scheme !== undefined) return { problem: ':scheme on a CONNECT' }
  if (pseudo.path !== undefined) return { problem: ':path on a CONNECT' }
  const authority = pseudo.authority
  if (authority === undefined) return { problem: 'a CONNECT without :authority' }
  const problem = authorityProblem(authority)
  if (problem !== undefined) return { problem }
  const port = /:([0-9]+)$/.exec(authority)?.[1]
  if (port === undefined || Number(port) === 0 || Number(port) > 65_535)
    return { problem: `:authority ${authority} has no valid port` }
  return { authority }
}

/** The Sec-WebSocket-Accept an RFC 6455 server answers `key` with (§4.2.2). */
export function websocketAcceptFor(key: string): string {
  return createHash('sha1').update(`${key}${WEBSOCKET_GUID}`).digest('base64')
}

/** The handshake of an extended CONNECT on the HTTP/1.1 hop. */
export interface WebSocketHandshake {
  /** The field lines after the request line (the front writes `GET target HTTP/1.1` and Host). */
  readonly lines: readonly string[]
  /** The Sec-WebSocket-Key sent, to check the Accept against. */
  readonly key: string
}

/** Fields of the client's request the handshake writes itself (or the front frames): not copied. */
const NOT_COPIED = new Set([
  'host',
  'sec-websocket-key',
  'sec-websocket-version',
  'content-length',
  'te',
])

/**
 * RFC 8441 §5 with RFC 6455 §4.1: the front is the WebSocket client on the
 * HTTP/1.1 hop: GET :path, Upgrade: websocket, Connection: Upgrade, a fresh
 * random 16-byte key, version 13, the client's protocol, extensions and
 * Origin, and the other end-to-end fields. Undefined refuses the :protocol
 * (only websocket is bridged).
 */
export function extendedConnect(head: H2RequestHead): WebSocketHandshake | undefined {
  if (head.pseudo.protocol !== 'websocket') return undefined
  const key = randomBytes(16).toString('base64')
  const lines = [
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
  ]
  // sec-websocket-protocol, sec-websocket-extensions and origin among them.
  for (const { name, value } of head.fields)
    if (!NOT_COPIED.has(name)) lines.push(`${name}: ${value}`)
  return { lines, key }
}

/**
 * RFC 6455 §4.1 (client side), RFC 8441 §5: only a 101 with `Upgrade:
 * websocket`, an `upgrade` connection option and the Accept of our key opens
 * the tunnel. The problem, or undefined.
 */
export function websocketHandshakeCheck(head: ResponseHead, key: string): string | undefined {
  if (head.status !== 101) return `the origin answered ${head.status}, not 101`
  const values = (name: string): string[] =>
    head.headers.filter((f) => f.name.toLowerCase() === name).map((f) => f.value)
  const upgrade = values('upgrade').flatMap((v) => v.split(',').map((t) => t.trim().toLowerCase()))
  if (!upgrade.includes('websocket')) return 'the 101 has no Upgrade: websocket'
  const options = values('connection').flatMap((v) =>
    v.split(',').map((t) => t.trim().toLowerCase()),
  )
  if (!options.includes('upgrade')) return 'the 101 has no upgrade connection option'
  const accept = values('sec-websocket-accept')
  if (accept.length !== 1 || accept[0] !== websocketAcceptFor(key))
    return 'the 101 has no Sec-WebSocket-Accept matching our key'
  return undefined
}

/** Fields the 2xx that opens a tunnel never carries, by kind of tunnel. */
const NOT_ON_TUNNEL_2XX = {
  // RFC 9110 §9.3.6: no Transfer-Encoding or Content-Length in a 2xx to CONNECT.
  connect: new Set(['content-length', 'transfer-encoding']),
  // RFC 8441 §5, RFC 9113 §8.2.2: no Accept, Upgrade or Connection (and no framing) in the 200.
  websocket: new Set(['sec-websocket-accept', 'upgrade', 'connection', 'content-length']),
} as const

/**
 * The HEADERS block (`:status` first) of the answer that opens a tunnel, from
 * the HTTP/1.1 head that switched the internal connection and its fields as
 * responseFields made them: a CONNECT keeps the 2xx status without framing
 * fields (RFC 9110 §9.3.6); an extended CONNECT is answered 200, never 101
 * (RFC 9113 §8.6), without the handshake fields (RFC 8441 §5).
 */
export function tunnelResponse(
  head: ResponseHead,
  fields: readonly H2Field[],
  kind: 'connect' | 'websocket',
): H2Field[] {
  const status = kind === 'connect' ? String(head.status) : '200'
  const dropped = NOT_ON_TUNNEL_2XX[kind]
  return [{ name: ':status', value: status }, ...fields.filter((f) => !dropped.has(f.name))]
}

/**
 * An event on either side of a tunnel: the client's END_STREAM or
 * RST_STREAM, the target's FIN or reset, or an HTTP/2 error the front
 * detected on the stream (a frame other than DATA on it) or on the connection.
 */
export type TunnelEvent =
  | 'client-end'
  | 'client-reset'
  | 'target-end'
  | 'target-reset'
  | 'stream-error'
  | 'connection-error'

/** What the front does on the other side. */
export type TunnelAction =
  | { readonly kind: 'fin' }
  | { readonly kind: 'end-stream' }
  | { readonly kind: 'reset-target' }
  | { readonly kind: 'rst-stream'; readonly code: number }

/**
 * RFC 9113 §8.5: END_STREAM becomes a FIN and a FIN becomes END_STREAM (each
 * direction closes by itself); RST_STREAM from the client, or a stream or
 * connection error the front detects, resets the TCP connection ("a proxy
 * MUST send a TCP segment with the RST bit set if it detects an error with
 * the stream or the HTTP/2 connection"); a reset or error of the target is
 * RST_STREAM(CONNECT_ERROR).
 */
export function tunnelClose(event: TunnelEvent): TunnelAction {
  switch (event) {
    case 'client-end':
      return { kind: 'fin' }
    case 'client-reset':
    case 'stream-error':
    case 'connection-error':
      return { kind: 'reset-target' }
    case 'target-end':
      return { kind: 'end-stream' }
    case 'target-reset':
      return { kind: 'rst-stream', code: ERROR_CODE.CONNECT_ERROR }
  }
}
