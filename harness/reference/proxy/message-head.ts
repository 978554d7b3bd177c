/**
 * The heads this proxy writes: the forwarded request toward the upstream and
 * the forwarded response toward the client. Pure: received field lines are
 * copied as raw bytes, in order, unless a rule below says otherwise.
 */
import type { HeaderField, RequestHead, ResponseHead } from '../../wire/types.js'
import { contentLength, type BodyFraming } from './framing.js'
import { connectionOptions, endToEndFields } from './hop-by-hop.js'
import { isHttpDate } from './http-date.js'
import { viaLine } from './via.js'
import type { ProxyDefect } from './defects.js'

const CRLF = Buffer.from('\r\n')

/** A line we generate, latin1 (field values are octets), with CRLF. */
export function textLine(text: string): Buffer {
  return Buffer.from(`${text}\r\n`, 'latin1')
}

const rawLine = (field: HeaderField): Buffer => Buffer.concat([field.raw, CRLF])

/**
 * The received lines this hop keeps. Seeded defects:
 * - 'forwards-connection-listed-fields': only Connection itself and the fixed
 *   hop-by-hop set go, so fields the Connection line names pass on (the bug of
 *   many a hand-written proxy, [B1] [B5]);
 * - 'drops-authorization': Authorization is taken for the proxy's own
 *   credentials and consumed, like Proxy-Authorization (RFC 9110 §11.6.2
 *   forbids modifying it);
 * - 'keeps-last-duplicate-field': headers kept in a map by name, so only the
 *   last of several lines with one name survives (RFC 9110 §5.3).
 * - 'keeps-first-duplicate-field': the first one survives instead.
 */
function keptFields(
  headers: readonly HeaderField[],
  defect: ProxyDefect | undefined,
): HeaderField[] {
  if (defect === 'forwards-connection-listed-fields')
    return endToEndFields(headers.filter((f) => !named(f, 'connection')))
  const kept = endToEndFields(headers, defect)
  if (defect === 'drops-authorization') return kept.filter((f) => !named(f, 'authorization'))
  // Seeded defect 'keeps-first-duplicate-field': only the first of several lines with one name
  // survives (tinyproxy with the 426's two Sec-WebSocket-Version lines; UPG-09).
  if (defect === 'keeps-first-duplicate-field') {
    return kept.filter(
      (f, i) => !kept.slice(0, i).some((earlier) => named(earlier, f.name.toLowerCase())),
    )
  }
  if (defect === 'keeps-last-duplicate-field') {
    return kept.filter(
      (f, i) => !kept.slice(i + 1).some((later) => named(later, f.name.toLowerCase())),
    )
  }
  return kept
}
const named = (field: HeaderField, name: string): boolean => field.name.toLowerCase() === name

/**
 * Seeded defect 'joins-set-cookie': repeated response fields are combined
 * into one comma-joined line at the first one's place, as a Fetch Headers
 * object does, Set-Cookie included (RFC 9110 §5.3 forbids it for Set-Cookie).
 * The line to write for each kept field, or undefined for a line folded in.
 */
function joinedLines(kept: readonly HeaderField[]): Map<HeaderField, Buffer | undefined> {
  const lines = new Map<HeaderField, Buffer | undefined>()
  for (const field of kept) {
    const same = kept.filter((f) => named(f, field.name.toLowerCase()))
    if (same[0] !== field) lines.set(field, undefined)
    else if (same.length === 1) lines.set(field, rawLine(field))
    else lines.set(field, textLine(`${field.name}: ${same.map((f) => f.value).join(', ')}`))
  }
  return lines
}

/**
 * Our Via line, unless a seeded defect suppresses it: 'drops-via' never adds
 * it [B24]; 'connection-strips-via' adds it before applying the client's
 * Connection list, so `Connection: via` removes it (the CVE-2022-31813
 * ordering bug of Apache mod_proxy [B3]).
 */
function ownVia(head: RequestHead | ResponseHead, viaName: string, defect?: ProxyDefect): Buffer[] {
  if (defect === 'drops-via') return []
  if (defect === 'connection-strips-via' && connectionOptions(head.headers).has('via')) return []
  return [textLine(viaLine(head.version, viaName))]
}

/**
 * The request-target written upstream. Seeded defects: 'forwards-absolute-form'
 * copies the received absolute-form target toward the origin (RFC 9112 §3.2.2
 * wants origin-form); 'normalises-path' runs it through a URL parser, which
 * resolves dot-segments, %2e%2e included (RFC 9110 §7.7 forbids rewriting it).
 */
function upstreamTarget(head: RequestHead, target: string, defect?: ProxyDefect): string {
  if (defect === 'forwards-absolute-form' && /^http:\/\//i.test(head.target)) return head.target
  // Seeded defect 'options-star-as-slash': a server-wide OPTIONS goes out as "OPTIONS /" (RFC 9112 §3.2.4).
  if (defect === 'options-star-as-slash' && target === '*') return '/'
  if (defect === 'normalises-path' && target.startsWith('/')) {
    const url = new URL(target, 'http://normalised.invalid')
    return `${url.pathname}${url.search}`
  }
  return target
}

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
  // Seeded defect 'copies-http-version': the received version is copied into the request line.
  const version = spec.defect === 'copies-http-version' ? head.version : 'HTTP/1.1'
  const parts = [
    textLine(`${head.method} ${upstreamTarget(head, spec.target, spec.defect)} ${version}`),
  ]
  const receivedHost = head.headers.find((f) => named(f, 'host'))
  // Seeded defect 'keeps-received-host': the client's Host is forwarded as received (RFC 9112 §3.2.2);
  // 'forwards-received-host-unchecked': every received Host line is, none when there was none.
  const everyHost = spec.defect === 'forwards-received-host-unchecked'
  const mode = spec.defect === 'keeps-received-host' || everyHost ? 'keep' : spec.host.mode
  if (mode === 'rebuild' || (receivedHost === undefined && !everyHost))
    parts.push(textLine(`Host: ${spec.host.value}`))
  const kept = new Set(keptFields(head.headers, spec.defect))
  let lengthWritten = false
  let forwardsWritten = false
  for (const field of head.headers) {
    if (named(field, 'host')) {
      if (mode === 'keep' && (field === receivedHost || everyHost)) parts.push(rawLine(field))
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
  parts.push(...ownVia(head, spec.viaName, spec.defect))
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
  /** IMF-fixdate to add when the response has no valid Date (RFC 9110 §6.6.1); undefined for 1xx. */
  readonly date?: string
  /** The client's HTTP/1.x minor version (only seeded defect 'echoes-http10-client-version' reads it). */
  readonly clientMinor?: 0 | 1
  readonly defect?: ProxyDefect | undefined
}

/**
 * The response head sent to the client: status line in our version (RFC 9112
 * §2.3), hop-by-hop fields removed in this direction too, Content-Length kept
 * as the decoded length (dropped for 1xx and 204, RFC 9110 §8.6, and when we
 * re-frame), Date added if missing or invalid, `Transfer-Encoding: chunked` when we chunk,
 * Via, and `Connection: close` when we are going to close.
 */
export function clientResponseHead(spec: ClientResponseSpec): Buffer {
  const { head } = spec
  // Seeded defects: 'copies-http-version' copies the upstream's version into the status
  // line; 'echoes-http10-client-version' answers an HTTP/1.0 client in HTTP/1.0 (RFC 9110 §6.2).
  const version =
    spec.defect === 'copies-http-version'
      ? head.version
      : spec.defect === 'echoes-http10-client-version' && spec.clientMinor === 0
        ? 'HTTP/1.0'
        : 'HTTP/1.1'
  const parts = [textLine(`${version} ${head.status} ${head.reason}`)]
  const keepLength =
    spec.framing === 'content-length' ||
    (spec.framing === 'none' && head.status >= 200 && head.status !== 204)
  const kept = new Set(keptFields(head.headers, spec.defect))
  const joined = spec.defect === 'joins-set-cookie' ? joinedLines([...kept]) : undefined
  let lengthWritten = false
  let dated = false
  const replacesDate = spec.date !== undefined && spec.defect !== 'omits-date'
  for (const field of head.headers) {
    // Content-Length is framing this proxy writes: handled before the Connection-nominated removal.
    if (named(field, 'content-length')) {
      if (keepLength && !lengthWritten)
        parts.push(textLine(`Content-Length: ${contentLength(head.headers) ?? '0'}`))
      lengthWritten = true
    } else if (spec.defect === 'forwards-response-upgrade' && named(field, 'upgrade')) {
      // Seeded defect 'forwards-response-upgrade': Upgrade of a non-101 response relayed
      // although Connection does not name it (RFC 9110 §7.6.1, SHOULD remove).
      parts.push(rawLine(field))
    } else if (named(field, 'date') && replacesDate && !isHttpDate(field.value)) {
      // RFC 9110 §6.6.1: an invalid Date MAY be replaced with the time of receipt: ours goes below.
    } else if (kept.has(field)) {
      const line = joined === undefined ? rawLine(field) : joined.get(field)
      if (line !== undefined) parts.push(line)
      dated ||= named(field, 'date')
    }
  }
  // Seeded defect 'omits-date': Date is left as it came, missing or invalid (RFC 9110 §6.6.1).
  if (replacesDate && !dated) parts.push(textLine(`Date: ${spec.date}`))
  if (spec.framing === 'chunked') parts.push(textLine('Transfer-Encoding: chunked'))
  parts.push(...ownVia(head, spec.viaName, spec.defect))
  if (spec.close) parts.push(textLine('Connection: close'))
  parts.push(CRLF)
  return Buffer.concat(parts)
}

/**
 * Whether a 1xx goes to this client: to HTTP/1.1 clients, never to HTTP/1.0
 * ones (RFC 9110 §15.2). Seeded defects: 'drops-interim-responses' forwards
 * none (Envoy #25881 with 103 [B25]); 'interim-to-http10' forwards them to
 * HTTP/1.0 clients too.
 */
export function forwardsInterim(clientMinor: 0 | 1, defect?: ProxyDefect): boolean {
  if (defect === 'drops-interim-responses') return false
  return clientMinor === 1 || defect === 'interim-to-http10'
}

/** Now as an IMF-fixdate (RFC 9110 §5.6.7). */
export function httpDate(now: Date = new Date()): string {
  return now.toUTCString()
}
