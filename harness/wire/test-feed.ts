/**
 * Test support for harness/wire: feed bytes to an HttpParser whole and one
 * byte at a time, collect what it emits, and check both feeding styles give
 * the same outcome. Body and tunnel events are merged per run (their
 * chunking depends on how bytes arrive; their content must not).
 */
import { deepStrictEqual } from 'node:assert/strict'
import { HttpParser } from './http-parser.js'
import {
  WireError,
  type AnomalyCode,
  type HttpMessage,
  type MessageHead,
  type ParseEvent,
  type ParseMode,
  type RequestHead,
  type ResponseHead,
} from './types.js'

export interface FeedOptions {
  /** @default 'lenient' */
  readonly mode?: ParseMode
  readonly maxHeadBytes?: number
  /** Call end() after the last byte. */
  readonly eof?: boolean
  /** Response parsing: expectResponseTo() each of these first. */
  readonly methods?: readonly string[]
  /** Stop calling next() after the event this returns true for; the rest is pushed unparsed and detached. */
  readonly stopAfter?: (event: ParseEvent) => boolean
}

/** An event with consecutive body (or tunnel) events merged, or the WireError that ended the run. */
export type Step<H extends MessageHead = MessageHead> =
  | ParseEvent<H>
  | {
      readonly type: 'error'
      readonly code: AnomalyCode
      readonly offset: number
      readonly message: string
    }

export interface Fed<H extends MessageHead = MessageHead> {
  readonly steps: Step<H>[]
  readonly heads: H[]
  readonly messages: HttpMessage<H>[]
  /** Every 'tunnel' event's data, joined. */
  readonly tunnel: Buffer
  /** The WireError next() threw, if any (a second next() must throw it again). */
  readonly error: WireError | undefined
  /** parser.state and parser.buffered once the run is over (before detach). */
  readonly state: HttpParser['state']
  readonly buffered: number
  /** What detach() returned at the end. */
  readonly rest: Buffer
}

export type FeedStyle = 'whole' | 'bytewise'

function toBuffer(input: string | Buffer): Buffer {
  return typeof input === 'string' ? Buffer.from(input, 'latin1') : input
}

/** Feed `input` in one style and collect everything the parser does. */
export function feed<H extends MessageHead = MessageHead>(
  kind: 'request' | 'response',
  input: string | Buffer,
  style: FeedStyle,
  options: FeedOptions = {},
): Fed<H> {
  const bytes = toBuffer(input)
  const parserOptions =
    options.maxHeadBytes === undefined
      ? { mode: options.mode ?? 'lenient' }
      : { mode: options.mode ?? 'lenient', maxHeadBytes: options.maxHeadBytes }
  const parser = new HttpParser<H>(kind, parserOptions)
  for (const method of options.methods ?? []) parser.expectResponseTo(method)
  const steps: Step<H>[] = []
  let error: WireError | undefined
  let stopped = false

  const record = (event: ParseEvent<H>): void => {
    const last = steps.at(-1)
    if ((event.type === 'body' || event.type === 'tunnel') && last?.type === event.type) {
      steps[steps.length - 1] = { type: event.type, data: Buffer.concat([last.data, event.data]) }
    } else {
      steps.push(event)
    }
  }
  const drain = (): void => {
    while (!stopped && error === undefined) {
      let event: ParseEvent<H> | undefined
      try {
        event = parser.next()
      } catch (thrown) {
        if (!(thrown instanceof WireError)) throw thrown
        error = thrown
        steps.push({
          type: 'error',
          code: thrown.code,
          offset: thrown.offset,
          message: thrown.message,
        })
        // A parser that threw stays broken: the same error again.
        let again: unknown
        try {
          parser.next()
        } catch (second) {
          again = second
        }
        if (again !== thrown) throw new Error('next() after a WireError did not rethrow it')
        return
      }
      if (event === undefined) return
      record(event)
      if (options.stopAfter?.(event) === true) stopped = true
    }
  }

  if (style === 'whole') {
    parser.push(bytes)
    drain()
  } else {
    for (let i = 0; i < bytes.length; i++) {
      parser.push(bytes.subarray(i, i + 1))
      if (stopped || error !== undefined) {
        // Stopped: the rest arrives but is not parsed (one push, as the whole style has it).
        parser.push(bytes.subarray(i + 1))
        break
      }
      drain()
    }
  }
  if (options.eof === true) {
    parser.end()
    drain()
  }
  const state = parser.state
  const buffered = parser.buffered
  const rest = Buffer.from(parser.detach())
  const heads: H[] = []
  const messages: HttpMessage<H>[] = []
  const tunnel: Buffer[] = []
  for (const step of steps) {
    if (step.type === 'head') heads.push(step.head)
    if (step.type === 'message') messages.push(step.message)
    if (step.type === 'tunnel') tunnel.push(step.data)
  }
  return { steps, heads, messages, tunnel: Buffer.concat(tunnel), error, state, buffered, rest }
}

/** The comparable part of a run (the WireError object itself is compared by its step). */
function outcome(fed: Fed): unknown {
  return {
    steps: fed.steps,
    state: fed.state,
    buffered: fed.buffered,
    rest: fed.rest,
  }
}

/**
 * Feed `input` whole and one byte at a time; throws (an AssertionError with a
 * diff) unless both runs emit the same events, errors, state and rest.
 * Returns the whole run.
 */
export function parseBoth<H extends MessageHead = MessageHead>(
  kind: 'request' | 'response',
  input: string | Buffer,
  options: FeedOptions = {},
): Fed<H> {
  const whole = feed<H>(kind, input, 'whole', options)
  const bytewise = feed<H>(kind, input, 'bytewise', options)
  deepStrictEqual(
    outcome(bytewise as Fed),
    outcome(whole as Fed),
    'feeding one byte at a time differs from feeding the input whole',
  )
  return whole
}

/** parseBoth for requests. */
export function parseRequests(input: string | Buffer, options: FeedOptions = {}): Fed<RequestHead> {
  return parseBoth<RequestHead>('request', input, options)
}

/** parseBoth for responses. */
export function parseResponses(
  input: string | Buffer,
  options: FeedOptions = {},
): Fed<ResponseHead> {
  return parseBoth<ResponseHead>('response', input, options)
}

/** The anomaly codes of a message, in order. */
export function codes(message: { readonly anomalies: readonly { code: AnomalyCode }[] }): string[] {
  return message.anomalies.map((a) => a.code)
}

/** The bytes of latin1 text (one char, one byte). */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1')
}
