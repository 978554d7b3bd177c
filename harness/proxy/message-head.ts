/**
 * The heads this proxy writes: the forwarded request toward the upstream and
 * the forwarded response toward the client. Pure: received field lines are
 * copied as raw bytes, in order, unless a rule below says otherwise.
 */
import type { HeaderField, RequestHead, ResponseHead } from '../wire/types.js'
import { contentLength, type BodyFraming } from './framing.js'
import { endToEndFields } from './hop-by-hop.js'
import { viaLine } from './via.js'
import type { ProxyDefect } from './defects.js'

const CRLF = Buffer.from('\r\n')

/** A line we generate, latin1 (field values are octets), with CRLF. */
export function textLine(text: string): Buffer {
  return Buffer.from(`${text}\r\n`, 'latin1')
}

const rawLine = (field: HeaderField): Buffer => Buffer.concat([field.raw, CRLF])

/**
 * The received lines this hop keeps. Seeded defect 'forwards-connection-listed-fields':
 * only Connection itself and the fixed hop-by-hop set go, so fields the
 * Connection line names pass on (the bug of many a hand-written proxy).
 */
function keptFields(
  headers: readonly HeaderField[],
  defect: ProxyDefect | undefined,
): HeaderField[] {
  if (defect !== 'forwards-connection-listed-fields') return endToEndFields(headers)
  return endToEndFields(headers.filter((f) => !named(f, 'connection')))
}
const named = (field: HeaderField, name: string): boolean => field.name.toLowerCase() === name

/** Inputs of upstreamRequestHead. */
export interface UpstreamRequestSpec {
  readonly head: RequestHead
  /** origin-form, or "*" (RFC 9112 §3.2.1, §3.2.4). */
  readonly target: string
  /**
   * 'rebuild': Host from the absolute-form target, first, every received Host
   * ignored (RFC 9112 §3.2.2). 'keep': the received Host line where it was, or
   * `value` when there was none (a 1.1 request needs one, RFC 9112 §3.2).
   */
  readonly host: { readonly mode: 'rebuild' | 'keep'; readonly value: string }
  readonly framing: 'none' | 'content-length' | 'chunked'
  /** A replacement Max-Forwards value (RFC 9110 §7.6.2). */
  readonly maxForwards?: string
  readonly viaName: string
  readonly defect?: ProxyDefect | undefined
}

/**
 * The request head sent upstream: our own version HTTP/1.1 (RFC 9112 §2.3),
 * hop-by-hop fields removed (RFC 9110 §7.6.1), Host, Content-Length as the
 * decoded length or `Transfer-Encoding: chunked` when we re-chunk, then Via.
 * Host and Content-Length are handled before the Connection-nominated removal:
 * the proxy generates them, so a client cannot strip them.
 */
export function upstreamRequestHead(spec: UpstreamRequestSpec): Buffer {
  const { head } = spec
  const parts = [textLine(`${head.method} ${spec.target} HTTP/1.1`)]
  const receivedHost = head.headers.find((f) => named(f, 'host'))
  if (spec.host.mode === 'rebuild' || receivedHost === undefined)
    parts.push(textLine(`Host: ${spec.host.value}`))
  const kept = new Set(keptFields(head.headers, spec.defect))
  let lengthWritten = false
  let forwardsWritten = false
  for (const field of head.headers) {
    if (named(field, 'host')) {
      if (spec.host.mode === 'keep' && field === receivedHost) parts.push(rawLine(field))
    } else if (named(field, 'content-length')) {
      if (spec.framing === 'content-length' && !lengthWritten) {
        parts.push(textLine(`Content-Length: ${contentLength(head.headers) ?? '0'}`))
        lengthWritten = true
      }
    } else if (named(field, 'max-forwards') && spec.maxForwards !== undefined) {
      // One decremented line replaces the received one(s) (RFC 9110 §7.6.2).
      if (kept.has(field) && !forwardsWritten)
        parts.push(textLine(`Max-Forwards: ${spec.maxForwards}`))
      forwardsWritten = true
    } else if (kept.has(field)) {
      parts.push(rawLine(field))
    }
  }
  if (spec.framing === 'chunked') parts.push(textLine('Transfer-Encoding: chunked'))
  if (spec.defect !== 'drops-via') parts.push(textLine(viaLine(head.version, spec.viaName)))
  parts.push(CRLF)
  return Buffer.concat(parts)
}

/** Inputs of clientResponseHead. */
export interface ClientResponseSpec {
  readonly head: ResponseHead
  /** The framing toward the client (see clientFraming). */
  readonly framing: BodyFraming
  /** Add `Connection: close`: this proxy closes the client connection after the response. */
  readonly close: boolean
  readonly viaName: string
  /** IMF-fixdate to add when the response has no Date (RFC 9110 §6.6.1); undefined for 1xx. */
  readonly date?: string
  readonly defect?: ProxyDefect | undefined
}

/**
 * The response head sent to the client: status line in our version (RFC 9112
 * §2.3), hop-by-hop fields removed in this direction too, Content-Length kept
 * as the decoded length (dropped for 1xx and 204, RFC 9110 §8.6, and when we
 * re-frame), Date added if missing, `Transfer-Encoding: chunked` when we chunk,
 * Via, and `Connection: close` when we are going to close.
 */
export function clientResponseHead(spec: ClientResponseSpec): Buffer {
  const { head } = spec
  const parts = [textLine(`HTTP/1.1 ${head.status} ${head.reason}`)]
  const keepLength =
    spec.framing === 'content-length' ||
    (spec.framing === 'none' && head.status >= 200 && head.status !== 204)
  const kept = new Set(keptFields(head.headers, spec.defect))
  let lengthWritten = false
  let dated = false
  for (const field of head.headers) {
    // Content-Length is framing this proxy writes: handled before the Connection-nominated removal.
    if (named(field, 'content-length')) {
      if (keepLength && !lengthWritten)
        parts.push(textLine(`Content-Length: ${contentLength(head.headers) ?? '0'}`))
      lengthWritten = true
    } else if (kept.has(field)) {
      parts.push(rawLine(field))
      dated ||= named(field, 'date')
    }
  }
  if (spec.date !== undefined && !dated) parts.push(textLine(`Date: ${spec.date}`))
  if (spec.framing === 'chunked') parts.push(textLine('Transfer-Encoding: chunked'))
  if (spec.defect !== 'drops-via') parts.push(textLine(viaLine(head.version, spec.viaName)))
  if (spec.close) parts.push(textLine('Connection: close'))
  parts.push(CRLF)
  return Buffer.concat(parts)
}

/** Now as an IMF-fixdate (RFC 9110 §5.6.7). */
export function httpDate(now: Date = new Date()): string {
  return now.toUTCString()
}
