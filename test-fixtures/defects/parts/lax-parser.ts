/**
 * Parsers with exactly one lax spot, the way one hand-written check of a real
 * proxy is lax: a lenient harness/wire parser that still refuses every anomaly
 * strict mode refuses except the tolerated classes, or a strict one with one
 * wrong decision (a misread head, a forgotten HEAD, hidden leftover bytes).
 * The framing entries replace the reference's `requestParser` and
 * `responseParser` steps with them.
 */
import type { PullParser } from '../../../harness/reference/proxy/socket-reader.js'
import type { ResponseParser } from '../../../harness/reference/proxy/upstream-pool.js'
import { isInformational } from '../../../harness/wire/anomalies.js'
import { createRequestParser, createResponseParser } from '../../../harness/wire/parser.js'
import {
  WireError,
  type Anomaly,
  type AnomalyCode,
  type HeaderField,
  type MessageHead,
  type ParseEvent,
  type RequestHead,
  type ResponseHead,
} from '../../../harness/wire/types.js'

/** The one lax spot. */
export interface Laxity<H extends MessageHead> {
  /** Anomalies let through (harness/wire's lenient reading applies to them). */
  readonly tolerates?: readonly AnomalyCode[]
  /** Informational anomalies refused all the same. */
  readonly refuses?: readonly AnomalyCode[]
  /** The head as the proxy then acts on it. */
  readonly misreads?: (head: H) => H
  /** The method whose response it expects, given the one the request had. */
  readonly expects?: (method: string) => string
  /** Reports no buffered bytes, so a connection with bytes left unread looks clean. */
  readonly hidesBuffered?: boolean
}

/** A request parser with one lax spot. */
export function laxRequestParser(laxity: Laxity<RequestHead>): PullParser<RequestHead> {
  return new LaxParser(createRequestParser({ mode: modeFor(laxity) }), laxity)
}

/** A response parser with one lax spot. */
export function laxResponseParser(laxity: Laxity<ResponseHead>): ResponseParser {
  return new LaxParser(createResponseParser({ mode: modeFor(laxity) }), laxity)
}

const modeFor = ({ tolerates = [] }: { readonly tolerates?: readonly AnomalyCode[] }) =>
  tolerates.length > 0 ? 'lenient' : 'strict'

interface InnerParser<H extends MessageHead> extends PullParser<H> {
  expectResponseTo(method: string): void
}

/** Refuses what strict mode refuses, except what `laxity` tolerates. */
class LaxParser<H extends MessageHead> implements PullParser<H> {
  readonly #inner: InnerParser<H>
  readonly #laxity: Laxity<H>
  readonly #tolerated: ReadonlySet<AnomalyCode>
  readonly #refused: ReadonlySet<AnomalyCode>

  constructor(inner: InnerParser<H>, laxity: Laxity<H>) {
    this.#inner = inner
    this.#laxity = laxity
    this.#tolerated = new Set(laxity.tolerates)
    this.#refused = new Set(laxity.refuses)
  }

  get buffered(): number {
    return this.#laxity.hidesBuffered === true ? 0 : this.#inner.buffered
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
    this.#inner.expectResponseTo(this.#laxity.expects?.(method) ?? method)
  }

  next(): ParseEvent<H> | undefined {
    const event = this.#inner.next()
    if (event?.type === 'head') {
      this.#refuse(event.head.anomalies)
      const misreads = this.#laxity.misreads
      return { type: 'head', head: misreads === undefined ? event.head : misreads(event.head) }
    }
    if (event?.type === 'message') this.#refuse(event.message.anomalies)
    return event
  }

  /** Throws the first anomaly strict mode would have thrown, unless it is tolerated. */
  #refuse(anomalies: readonly Anomaly[]): void {
    for (const anomaly of anomalies) {
      if (this.#refused.has(anomaly.code)) throw new WireError(anomaly)
      if (isInformational(anomaly.code) || this.#tolerated.has(anomaly.code)) continue
      throw new WireError(anomaly)
    }
  }
}

/** `head` with other field lines. */
export const withHeaders = <H extends MessageHead>(
  head: H,
  headers: readonly HeaderField[],
): H => ({
  ...head,
  headers,
})

/** `head` without the field `name` (lower case). */
export const withoutField = <H extends MessageHead>(head: H, name: string): H =>
  withHeaders(
    head,
    head.headers.filter((f) => f.name.toLowerCase() !== name),
  )

/** Whether `head` has the field `name` (lower case). */
export const hasField = (head: MessageHead, name: string): boolean =>
  head.headers.some((f) => f.name.toLowerCase() === name)

/** The line right after the start line when it starts with whitespace, as a field copied verbatim. */
export function whitespaceLedLine(raw: Buffer): HeaderField | undefined {
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
