/**
 * The heads this proxy writes: the forwarded request toward the upstream and
 * the forwarded response toward the client. Pure: received field lines are
 * copied as raw bytes, in order, unless a rule below says otherwise.
 */
import type { HeaderField, MessageHead, RequestHead, ResponseHead } from '../../wire/types.js'
import { contentLength, type BodyFraming } from './framing.js'
import { endToEndFields } from './hop-by-hop.js'
import { isHttpDate } from './http-date.js'
import { viaLine } from './via.js'
import type { ProxySteps } from './steps/index.js'

const CRLF = Buffer.from('\r\n')

/** A line we generate, latin1 (field values are octets), with CRLF. */
export function textLine(text: string): Buffer {
  return Buffer.from(`${text}\r\n`, 'latin1')
}

const rawLine = (field: HeaderField): Buffer => Buffer.concat([field.raw, CRLF])

/**
 * The received field lines this hop forwards, in their received order: every
 * end-to-end line (RFC 9110 §7.6.1 removes the hop-by-hop ones), each line
 * kept as it came (RFC 9110 §5.3: a proxy must not reorder or merge them).
 */
export function keptFields(head: MessageHead): HeaderField[] {
  return endToEndFields(head.headers)
}
const named = (field: HeaderField, name: string): boolean => field.name.toLowerCase() === name

/** The line written for a kept response field: its received bytes, never combined with another (RFC 9110 §5.3). */
export function responseFieldLine(field: HeaderField): Buffer | undefined {
  return rawLine(field)
}

/** Our Via line, in either direction (RFC 9110 §7.6.3: a proxy MUST append it). */
export function ownVia(head: MessageHead, viaName: string): Buffer[] {
  return [textLine(viaLine(head.version, viaName))]
}

/**
 * The request-target written upstream: the route's origin-form (or "*"), the
 * path and query byte for byte (RFC 9112 §3.2.1, §3.2.4; RFC 9110 §7.7).
 */
export function upstreamTarget(_head: RequestHead, target: string): string {
  return target
}

/** The version in a request line we write: our own, HTTP/1.1 (RFC 9110 §6.2, RFC 9112 §2.3). */
export function requestVersion(): string {
  return 'HTTP/1.1'
}

/** The version in a status line we write: our own, HTTP/1.1, whatever the client sent (RFC 9110 §6.2). */
export function responseVersion(): string {
  return 'HTTP/1.1'
}

/** The Host of a forwarded request: one line we generate (written first), and the received lines kept in place. */
export interface UpstreamHost {
  readonly generated?: string | undefined
  readonly kept: readonly HeaderField[]
}

/**
 * 'rebuild': Host from the absolute-form target, every received Host ignored
 * (RFC 9112 §3.2.2). 'keep': the received Host line where it was, or the
 * route's value when there was none (a 1.1 request needs one, RFC 9112 §3.2).
 */
export function upstreamHost(head: RequestHead, host: UpstreamRequestSpec['host']): UpstreamHost {
  const received = head.headers.find((f) => named(f, 'host'))
  if (host.mode === 'keep' && received !== undefined) return { kept: [received] }
  return { generated: host.value, kept: [] }
}

/** The Date this proxy supplies for a response without a valid one: `now` (RFC 9110 §6.6.1). */
export function suppliedDate(_head: ResponseHead, now: string): string | undefined {
  return now
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
  /** The pipeline's steps (steps/index.ts): the head stage's decisions. */
  readonly steps: ProxySteps
}

/**
 * The request head sent upstream: our own version HTTP/1.1 (RFC 9112 §2.3),
 * hop-by-hop fields removed (RFC 9110 §7.6.1), Host, Content-Length as the
 * decoded length or `Transfer-Encoding: chunked` when we re-chunk, then Via.
 * Host and Content-Length are handled before the Connection-nominated removal:
 * the proxy generates them, so a client cannot strip them.
 */
export function upstreamRequestHead(spec: UpstreamRequestSpec): Buffer {
  const { head, steps } = spec
  const target = steps.upstreamTarget(head, spec.target)
  const parts = [textLine(`${head.method} ${target} ${steps.requestVersion(head)}`)]
  const host = steps.upstreamHost(head, spec.host)
  if (host.generated !== undefined) parts.push(textLine(`Host: ${host.generated}`))
  const kept = new Set(steps.keptFields(head))
  let lengthWritten = false
  let forwardsWritten = false
  for (const field of head.headers) {
    if (named(field, 'host')) {
      if (host.kept.includes(field)) parts.push(rawLine(field))
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
  parts.push(...steps.ownVia(head, spec.viaName))
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
  /** The client's HTTP/1.x minor version, for the responseVersion step. */
  readonly clientMinor?: 0 | 1
  /** The pipeline's steps (steps/index.ts): the head stage's decisions. */
  readonly steps: ProxySteps
}

/**
 * The response head sent to the client: status line in our version (RFC 9112
 * §2.3), hop-by-hop fields removed in this direction too, Content-Length kept
 * as the decoded length (dropped for 1xx and 204, RFC 9110 §8.6, and when we
 * re-frame), Date added if missing or invalid, `Transfer-Encoding: chunked` when we chunk,
 * Via, and `Connection: close` when we are going to close.
 */
export function clientResponseHead(spec: ClientResponseSpec): Buffer {
  const { head, steps } = spec
  const version = steps.responseVersion(head, spec.clientMinor)
  const parts = [textLine(`${version} ${head.status} ${head.reason}`)]
  const keepLength =
    spec.framing === 'content-length' ||
    (spec.framing === 'none' && head.status >= 200 && head.status !== 204)
  const keptList = steps.keptFields(head)
  const kept = new Set(keptList)
  let lengthWritten = false
  let dated = false
  const date = spec.date === undefined ? undefined : steps.suppliedDate(head, spec.date)
  for (const field of head.headers) {
    // Content-Length is framing this proxy writes: handled before the Connection-nominated removal.
    if (named(field, 'content-length')) {
      if (keepLength && !lengthWritten)
        parts.push(textLine(`Content-Length: ${contentLength(head.headers) ?? '0'}`))
      lengthWritten = true
    } else if (named(field, 'date') && date !== undefined && !isHttpDate(field.value)) {
      // RFC 9110 §6.6.1: an invalid Date MAY be replaced with the time of receipt: ours goes below.
    } else if (kept.has(field)) {
      const line = steps.responseFieldLine(field, keptList)
      if (line !== undefined) parts.push(line)
      dated ||= named(field, 'date')
    }
  }
  if (date !== undefined && !dated) parts.push(textLine(`Date: ${date}`))
  if (spec.framing === 'chunked') parts.push(textLine('Transfer-Encoding: chunked'))
  parts.push(...steps.ownVia(head, spec.viaName))
  if (spec.close) parts.push(textLine('Connection: close'))
  parts.push(CRLF)
  return Buffer.concat(parts)
}

/** Whether a 1xx goes to this client: to HTTP/1.1 clients, never to HTTP/1.0 ones (RFC 9110 §15.2). */
export function forwardsInterim(clientMinor: 0 | 1): boolean {
  return clientMinor === 1
}

/** Now as an IMF-fixdate (RFC 9110 §5.6.7). */
export function httpDate(now: Date = new Date()): string {
  return now.toUTCString()
}
