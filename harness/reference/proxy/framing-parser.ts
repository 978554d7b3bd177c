/**
 * The parsers the reference proxy reads with. Without a defect: harness/wire's
 * strict parser, unchanged. A seeded framing defect (harness/reference/proxy/defects.ts)
 * swaps in a parser with exactly one lax spot, the way one hand-written check
 * of a real proxy is lax: a lenient parser that still refuses every anomaly
 * except the tolerated class, or a strict one with one wrong decision.
 */
import { isInformational } from '../../wire/anomalies.js'
import { createRequestParser, createResponseParser } from '../../wire/parser.js'
import {
  WireError,
  type Anomaly,
  type AnomalyCode,
  type HeaderField,
  type MessageHead,
  type ParseEvent,
  type RequestHead,
} from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'
import type { PullParser } from './socket-reader.js'
import type { ResponseParser } from './upstream-pool.js'

interface Tolerance {
  readonly request?: readonly AnomalyCode[]
  readonly response?: readonly AnomalyCode[]
}

/** Defects that are one strict check switched to lenient (the lenient reading of harness/wire applies). */
const TOLERATED: Partial<Record<ProxyDefect, Tolerance>> = {
  // Both framing fields accepted; the next request is read after the chunked body (SMUG-01).
  'accepts-cl-and-te': { request: ['content-length-with-transfer-encoding'] },
  // Both framing fields accepted in a response, Content-Length believed (SMUG-02; see transformHead).
  'frames-response-by-content-length': { response: ['content-length-with-transfer-encoding'] },
  // "+5", "0x5", "" accepted: parseInt-style Content-Length (SMUG-03).
  'lax-content-length': { request: ['invalid-content-length'] },
  // Two different Content-Length values: the first one wins (SMUG-03).
  'accepts-conflicting-content-length': { request: ['conflicting-content-length'] },
  // An upstream's invalid Content-Length is relayed instead of a 502 (SMUG-04).
  'accepts-invalid-response-content-length': {
    response: ['invalid-content-length', 'conflicting-content-length'],
  },
  // "gzip", "chunked, gzip": read as no body, the coding forwarded anyway (SMUG-05).
  'forwards-te-not-chunked-last': { request: ['transfer-encoding-not-chunked-last'] },
  // HTTP/1.0 "has no chunked": its Transfer-Encoding is ignored (SMUG-05; see transformHead).
  'ignores-te-from-http10': { request: ['transfer-encoding-in-http10'] },
  // "Name : value" taken as "Name", the line forwarded as received (SMUG-06).
  'tolerates-whitespace-before-colon': {
    request: ['whitespace-before-colon'],
    response: ['whitespace-before-colon'],
  },
  // Folded lines accepted and forwarded folded (SMUG-07).
  'forwards-obs-fold': { request: ['obs-fold'], response: ['obs-fold'] },
  // A CR inside a line accepted and forwarded (SMUG-08).
  'forwards-bare-cr': { request: ['bare-cr'], response: ['bare-cr'] },
  // A NUL inside a field value accepted and forwarded (SMUG-08).
  'forwards-nul-in-field-value': { request: ['invalid-field-value'] },
  // A whitespace-led line after the start line kept and forwarded (SMUG-09; see transformHead).
  'forwards-whitespace-led-line': { request: ['leading-whitespace-line'] },
  // "0x5", trailing junk after the size, data longer than the size (SMUG-10).
  'lax-chunk-size-parsing': {
    request: ['invalid-chunk-size', 'invalid-chunk-ending'],
    response: ['invalid-chunk-size', 'invalid-chunk-ending'],
  },
  // Double spaces, a tab, "http/1.1": the request line is fixed up and forwarded (SMUG-13).
  'fixes-invalid-request-lines': { request: ['invalid-start-line', 'invalid-version'] },
}

/** Defects that keep the strict parser but change one decision of it. */
const STRICT_WITH_A_TWIST: ReadonlySet<ProxyDefect> = new Set<ProxyDefect>([
  'rejects-chunk-extensions',
  'reads-head-response-body',
  'reuses-upstream-with-unread-bytes',
  'drops-fields-beyond-limit',
])

/** Content-Length digits read into a 64-bit register: 2^64 + 5 becomes 5 (SMUG-03, RFC 9110 §8.6). */
const modulo64 = (digits: string): number => Number(BigInt(digits) % 2n ** 64n)

/** The request parser of one client connection. */
export function requestParserFor(defect: ProxyDefect | undefined): PullParser<RequestHead> {
  // The body is read by the wrapped length while the field goes on as received.
  if (defect === 'wraps-content-length')
    return createRequestParser({ mode: 'strict', contentLengthValue: modulo64 })
  const tolerated = defect === undefined ? undefined : TOLERATED[defect]?.request
  if (tolerated !== undefined)
    return new DefectParser(createRequestParser({ mode: 'lenient' }), defect, tolerated)
  if (defect !== undefined && STRICT_WITH_A_TWIST.has(defect))
    return new DefectParser(createRequestParser({ mode: 'strict' }), defect, [])
  return createRequestParser({ mode: 'strict' })
}

/** The response parser of one upstream connection. */
export function responseParserFor(defect: ProxyDefect | undefined): ResponseParser {
  const tolerated = defect === undefined ? undefined : TOLERATED[defect]?.response
  if (tolerated !== undefined)
    return new DefectParser(createResponseParser({ mode: 'lenient' }), defect, tolerated)
  if (defect !== undefined && STRICT_WITH_A_TWIST.has(defect))
    return new DefectParser(createResponseParser({ mode: 'strict' }), defect, [])
  return createResponseParser({ mode: 'strict' })
}

interface InnerParser<H extends MessageHead> extends PullParser<H> {
  expectResponseTo(method: string): void
}

/** A parser with one seeded defect: refuses what strict mode refuses, except `tolerated`. */
class DefectParser<H extends MessageHead> implements PullParser<H> {
  readonly #inner: InnerParser<H>
  readonly #defect: ProxyDefect | undefined
  readonly #tolerated: ReadonlySet<AnomalyCode>

  constructor(
    inner: InnerParser<H>,
    defect: ProxyDefect | undefined,
    tolerated: readonly AnomalyCode[],
  ) {
    this.#inner = inner
    this.#defect = defect
    this.#tolerated = new Set(tolerated)
  }

  get buffered(): number {
    // The bytes after a response stay queued, so a reused connection answers with them (SMUG-12).
    return this.#defect === 'reuses-upstream-with-unread-bytes' ? 0 : this.#inner.buffered
  }

  push(chunk: Buffer): void {
    this.#inner.push(chunk)
  }

  end(): void {
    this.#inner.end()
  }

  detach(): Buffer {
    return this.#inner.detach()
  }

  expectResponseTo(method: string): void {
    // Forgets that a response to HEAD has no body, and waits for one (SMUG-11).
    const forgetsHead = this.#defect === 'reads-head-response-body' && method === 'HEAD'
    this.#inner.expectResponseTo(forgetsHead ? 'GET' : method)
  }

  next(): ParseEvent<H> | undefined {
    const event = this.#inner.next()
    if (event?.type === 'head') {
      this.#refuse(event.head.anomalies)
      return { type: 'head', head: transformHead(event.head, this.#defect) }
    }
    if (event?.type === 'message') this.#refuse(event.message.anomalies)
    return event
  }

  /** Throws the first anomaly strict mode would have thrown, unless this defect lets it pass. */
  #refuse(anomalies: readonly Anomaly[]): void {
    for (const anomaly of anomalies) {
      // A strict reader that refuses what RFC 9112 §7.1.1 says to ignore.
      if (this.#defect === 'rejects-chunk-extensions' && anomaly.code === 'chunk-extension')
        throw new WireError(anomaly)
      if (isInformational(anomaly.code) || this.#tolerated.has(anomaly.code)) continue
      throw new WireError(anomaly)
    }
  }
}

/** The head the proxy acts on, as the defect misreads it. */
function transformHead<H extends MessageHead>(head: H, defect: ProxyDefect | undefined): H {
  const has = (name: string): boolean => head.headers.some((f) => f.name.toLowerCase() === name)
  if (defect === 'frames-response-by-content-length') {
    // Content-Length believed over Transfer-Encoding when writing the response on (SMUG-02).
    if (head.kind === 'response' && has('content-length') && has('transfer-encoding'))
      return withHeaders(head, withoutField(head.headers, 'transfer-encoding'))
  } else if (defect === 'ignores-te-from-http10') {
    if (head.version === 'HTTP/1.0')
      return withHeaders(head, withoutField(head.headers, 'transfer-encoding'))
  } else if (defect === 'forwards-whitespace-led-line') {
    const line = whitespaceLedLine(head.raw)
    if (line !== undefined) return withHeaders(head, [line, ...head.headers])
  } else if (defect === 'drops-fields-beyond-limit' && head.headers.length > 100) {
    // A fixed table of 100 field lines; the rest are dropped without a word (SMUG-14).
    return withHeaders(head, head.headers.slice(0, 100))
  }
  return head
}

const withHeaders = <H extends MessageHead>(head: H, headers: readonly HeaderField[]): H => ({
  ...head,
  headers,
})

const withoutField = (headers: readonly HeaderField[], name: string): HeaderField[] =>
  headers.filter((f) => f.name.toLowerCase() !== name)

/** The line right after the start line when it starts with whitespace, as a field the proxy copies verbatim. */
function whitespaceLedLine(raw: Buffer): HeaderField | undefined {
  const lines = raw.toString('latin1').split('\r\n')
  const line = lines[1]
  if (line === undefined || !/^[ \t]/.test(line)) return undefined
  const colon = line.indexOf(':')
  return {
    name: colon === -1 ? line : line.slice(0, colon),
    value: colon === -1 ? '' : line.slice(colon + 1).trim(),
    raw: Buffer.from(line, 'latin1'),
  }
}
