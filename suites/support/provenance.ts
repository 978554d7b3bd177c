/**
 * Who produced the bytes a client got: the origin (the harness origin
 * answered a request carrying the case token, and the target relayed that
 * answer), or the target itself (nothing reached the origin, or the origin had
 * not answered, or answered something else). Decided by comparing with what
 * the origin wrote back for the case's requests (OriginRequest.sent): the
 * status, and the body when the origin's is known; never by guessing from
 * the status alone.
 */
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { OriginRequest } from '../../harness/origin/types.js'
import { parseMessages } from '../../harness/wire/parse-messages.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'

/** One final response the origin wrote (what a target could have relayed). */
export interface OriginAnswer {
  readonly status: number
  readonly reason: string
  /** The decoded body; `complete` false when the origin's bytes were cut short (or still coming). */
  readonly body: Buffer
  readonly complete: boolean
  /** The request it answered was a HEAD: no body to compare. */
  readonly head: boolean
}

export interface Provenance {
  /** 'origin': the client got the origin's answer relayed; 'target': anything else the target did. */
  readonly by: 'origin' | 'target'
  /** "the target answered 502 Bad Gateway itself; nothing reached the origin", "the target relayed the origin's 200 OK"… */
  readonly phrase: string
}

export interface ProvenanceOptions {
  /** What reached the origin, in the phrase: @default 'the request' (e.g. 'an unfinished request'). */
  readonly what?: string
}

const STATUS_LINE = /^HTTP\/\d\.\d (\d{3})(?: ([^\r\n]*))?\r?\n/

/** The final responses the origin wrote for these requests, in order (1xx left out, but a 101: it ends the exchange). */
export function originAnswers(requests: readonly OriginRequest[]): OriginAnswer[] {
  return requests.flatMap((request) => answersTo(request))
}

function answersTo(request: OriginRequest): OriginAnswer[] {
  const bytes = request.sent.bytes
  if (bytes.length === 0) return []
  const head = request.message.head.method.toUpperCase() === 'HEAD'
  try {
    const { messages } = parseMessages('response', bytes, {
      mode: 'lenient',
      eof: true,
      requestMethods: [request.message.head.method],
    })
    const finals = messages.filter(
      (m): m is HttpMessage<ResponseHead> =>
        m.head.kind === 'response' && (m.head.status >= 200 || m.head.status === 101),
    )
    if (finals.length > 0) {
      return finals.map((m) => ({
        status: m.head.status,
        reason: m.head.reason,
        body: m.body,
        complete: m.complete,
        head,
      }))
    }
  } catch {
    // A raw responder may write a broken message on purpose: fall back to its status line.
  }
  const line = STATUS_LINE.exec(bytes.toString('latin1'))
  if (line === null) return []
  return [
    {
      status: Number(line[1]),
      reason: line[2] ?? '',
      body: Buffer.alloc(0),
      complete: false,
      head,
    },
  ]
}

function statusText(status: number, reason: string): string {
  return `${status} ${reason}`.trim()
}

/** Whether `message` is `answer` relayed: same status, and the same body when the origin's is known. */
function relays(message: HttpMessage<ResponseHead>, answer: OriginAnswer): boolean {
  if (message.head.status !== answer.status) return false
  if (answer.head) return true
  const got = message.body
  const sent = answer.body
  if (answer.complete && message.complete) return got.equals(sent)
  // One side was cut short: whatever both have must agree.
  const shared = Math.min(got.length, sent.length)
  return got.subarray(0, shared).equals(sent.subarray(0, shared))
}

/** What the origin side saw: "nothing reached the origin", "the origin had the request and answered 200 OK"… */
export function originSide(
  requests: readonly OriginRequest[],
  answers: readonly OriginAnswer[] = originAnswers(requests),
  what = 'the request',
): string {
  if (requests.length === 0) return 'nothing reached the origin'
  return `the origin had ${what} and ${originDid(answers)}`
}

/** "had not answered it", "answered 200 OK", "answered 200 OK, then 404 Not Found". */
function originDid(answers: readonly OriginAnswer[]): string {
  if (answers.length === 0) return 'had not answered it'
  return `answered ${answers.map((a) => statusText(a.status, a.reason)).join(', then ')}`
}

/**
 * Who produced what the client read, against the case's origin requests
 * (ctx.origin.requests()): the origin's answer relayed, or the target's own.
 */
export function provenanceOf(
  read: ReadResponseResult,
  requests: readonly OriginRequest[],
  options: ProvenanceOptions = {},
): Provenance {
  const what = options.what ?? 'the request'
  const answers = originAnswers(requests)
  const origin = originSide(requests, answers, what)
  switch (read.kind) {
    case 'response': {
      const message = read.message
      const status = statusText(message.head.status, message.head.reason)
      if (answers.some((answer) => relays(message, answer)))
        return { by: 'origin', phrase: `the target relayed the origin's ${status}` }
      if (requests.length === 0)
        return { by: 'target', phrase: `the target answered ${status} itself; ${origin}` }
      const sameStatus = answers.some((a) => a.status === message.head.status)
      const why = sameStatus
        ? `the origin's ${status} had another body`
        : `the origin ${originDid(answers)}`
      return {
        by: 'target',
        phrase: `the target answered ${status} itself after the origin had ${what} (${why})`,
      }
    }
    case 'closed': {
      const when =
        read.partial.length === 0
          ? 'without a response'
          : `after ${read.partial.length} bytes, before a whole response head`
      return {
        by: 'target',
        phrase: `the target closed the connection (${read.how}) ${when}; ${origin}`,
      }
    }
    case 'timeout':
      return {
        by: 'target',
        phrase: `the target sent no response for ${Math.round(read.afterMs)} ms; ${origin}`,
      }
    case 'malformed':
      return {
        by: 'target',
        phrase: `the target sent a malformed response (${read.error.message}); ${origin}`,
      }
  }
}

/** provenanceOf's phrase. */
export function provenance(
  read: ReadResponseResult,
  requests: readonly OriginRequest[],
  options: ProvenanceOptions = {},
): string {
  return provenanceOf(read, requests, options).phrase
}
