// H2-12, H2-15 (c), H2-26, H2-28, H2-30 (b): the target talks HTTP/2 to its
// origin (upstream 'h2'). The run's raw h2 origin (ctx.h2Origin) logs every
// field before anything validates it and answers with what each case
// scripts; the client speaks h2 to the target's h2-upstream endpoint. The
// client's frames and the origin's frames of the case's streams are the evidence.
import type { CaseDefinition } from '../../harness/engine/model/case.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import {
  ERROR_CODE,
  SETTING,
  errorCodeName,
  type BlockItem,
  type H2RawRequest,
  type H2RawResponse,
  type StreamResult,
} from '../../harness/h2/index.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { originRequest } from '../support/request.js'
import { upstreamStreamsAtOnce } from './support/upstream-streams.js'
import { sendWithinWindows, type WindowedSend } from './support/upstream-send.js'

const LINE = /[\r\n\0]/
const NAME = /^:?[!#$%&'*+\-.^_`|~0-9a-z]+$/
const CONNECTION_SPECIFIC = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]

/** The case's h2 origin: always there for an upstream-'h2' case (the runner gives it). */
function h2Origin(ctx: CaseContext): NonNullable<CaseContext['h2Origin']> {
  if (ctx.h2Origin === undefined) throw new Error('an upstream-h2 case without ctx.h2Origin')
  return ctx.h2Origin
}

/** How a client stream ended, in a line for the evidence. */
function describe(result: StreamResult): string {
  const how =
    result.end === 'reset'
      ? `RST_STREAM(${errorCodeName(result.rstCode ?? 0)})`
      : result.end === 'end-stream'
        ? 'END_STREAM'
        : result.end
  return `:status ${result.status ?? '(none)'}, ${result.data.length} octets of DATA, then ${how}`
}

/**
 * What of a malformed response reached the client, if anything: a field no
 * valid h2 response carries, a second :status, a pseudo-header field in
 * trailers, more DATA than the relayed content-length.
 */
function malformedSeen(result: StreamResult, evil?: string): string | undefined {
  for (const [i, block] of result.blocks.entries()) {
    const statuses = block.fields.filter((f) => f.name === ':status').length
    if (statuses > 1) return `a header block with ${statuses} :status fields`
    for (const { name, value } of block.fields) {
      if (!NAME.test(name)) return `the field name ${JSON.stringify(name)}`
      if (LINE.test(value)) return `${name} with CR, LF or NUL in its value`
      if (CONNECTION_SPECIFIC.includes(name)) return `the connection-specific field ${name}`
      if (name.startsWith(':') && name !== ':status') return `the pseudo-header field ${name}`
      if (name.startsWith(':') && i > 0 && !block.fields.some((f) => f.name === ':status'))
        return `${name} in a trailer section`
      if (evil !== undefined && value.includes(evil)) return `"${evil}" in ${name}`
    }
    if (
      i > 0 &&
      statuses > 0 &&
      result.blocks[i - 1]?.fields.some((f) => f.name === ':status' && !f.value.startsWith('1'))
    )
      return 'a pseudo-header field in a trailer section'
  }
  const final = [...result.blocks].reverse().find((b) => b.fields.some((f) => f.name === ':status'))
  const length = final?.fields.find((f) => f.name === 'content-length')?.value
  if (
    length !== undefined &&
    /^\d+$/.test(length) &&
    result.data.length !== Number(length) &&
    result.end === 'end-stream'
  )
    return `${result.data.length} octets of DATA under content-length ${length}`
  return undefined
}

interface MalformedVariant {
  readonly slug: string
  readonly what: string
  readonly response: H2RawResponse
  /** A string the client must never see anywhere. */
  readonly evil?: string
}

const TEN = '0123456789'
/** A field of a scripted origin head, as [name, value]. */
type Field = readonly [name: string, value: string]
const STATUS_200: Field = [':status', '200']

/** What follows a variant's head. */
interface VariantRest {
  /** @default 'ok' (null: HEADERS with END_STREAM, no DATA) */
  readonly body?: string | null
  readonly trailers?: readonly Field[]
  readonly evil?: string
}

/** The one builder: a variant's head, body and trailers as the h2 origin's scripted response. */
function malformed(
  slug: string,
  what: string,
  head: readonly Field[],
  rest: VariantRest = {},
): MalformedVariant {
  const block = (fields: readonly Field[]): BlockItem[] =>
    fields.map(([name, value]) => ({ name, value }))
  const body = rest.body === undefined ? 'ok' : rest.body
  return {
    slug,
    what,
    response: {
      fields: block(head),
      ...(body === null ? {} : { body }),
      ...(rest.trailers === undefined ? {} : { trailers: block(rest.trailers) }),
    },
    ...(rest.evil === undefined ? {} : { evil: rest.evil }),
  }
}

// prettier-ignore
const variants: readonly MalformedVariant[] = [
  malformed('content-length-overrun', 'content-length: 5 with 10 octets of DATA',
    [STATUS_200, ['content-length', '5']], { body: TEN }),
  malformed('content-length-short', 'content-length: 20 with 10 octets of DATA and END_STREAM',
    [STATUS_200, ['content-length', '20']], { body: TEN }),
  malformed('transfer-encoding', 'transfer-encoding: chunked',
    [STATUS_200, ['transfer-encoding', 'chunked']], { body: '5\r\nhello\r\n0\r\n\r\n' }),
  malformed('connection-field', 'connection: close', [STATUS_200, ['connection', 'close']]),
  malformed('uppercase-name', 'the field name X-Upper', [STATUS_200, ['X-Upper', '1']]),
  malformed('crlf-in-value', 'x-a: b CR LF set-cookie: evil=1',
    [STATUS_200, ['x-a', 'b\r\nset-cookie: evil=1']], { evil: 'evil=1' }),
  malformed('no-status', 'no :status', [['content-type', 'text/plain']]),
  malformed('two-status', 'two :status fields (200 and 204)', [STATUS_200, [':status', '204']]),
  malformed('request-pseudo-header', ':path in the response', [STATUS_200, [':path', '/x']]),
  malformed('interim-end-stream', 'a 103 HEADERS with END_STREAM',
    [[':status', '103'], ['link', '</a.css>; rel=preload']], { body: null }),
  malformed('data-on-204', 'DATA on a 204', [[':status', '204']], { body: 'xyz' }),
  malformed('status-in-trailers', 'trailers containing :status', [STATUS_200],
    { trailers: [STATUS_200] }),
]

/** Sends one GET through the target and waits for its stream to end, after the origin saw it. */
async function oneExchange(
  ctx: CaseContext,
  suffix: string,
): Promise<{ result: StreamResult; seen: H2RawRequest } | Outcome> {
  const client = await ctx.h2()
  const id = await client.request({ ...ctx.h2Target(ctx.path(suffix)) })
  const result = await client.waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() })
  const seen = h2Origin(ctx).requests()[0]
  if (seen === undefined) {
    if (isTimeout(result)) return timedOut('the request to reach the h2 origin', result.afterMs)
    return timedOut(
      `the request to reach the h2 origin (the client stream ended: ${describe(result)})`,
      0,
    )
  }
  if (isTimeout(result))
    return timedOut('the client stream to end after the origin answered', result.afterMs)
  return { result, seen }
}

// RFC 9113 §8.1.1: "Intermediaries that process HTTP requests or responses
// (i.e., any intermediary not acting as a tunnel) MUST NOT forward a
// malformed request or response." and "A client MUST NOT accept a malformed
// response." (P is the client of the h2 origin.)
const malformedCases: CaseDefinition[] = variants.map((v) =>
  defineCase({
    id: `h2-upstream-malformed-${v.slug}`,
    title: `A malformed h2 origin response (${v.what}) is never forwarded: 502, or a reset if under way`,
    requirements: ['H2-12'],
    spec: [
      { rfc: 9113, section: '8.1.1' },
      { rfc: 9113, section: '8.2.1' },
      { rfc: 9113, section: '8.2.2' },
      { rfc: 9113, section: '8.3.2' },
    ],
    requirement:
      'An intermediary MUST NOT forward a malformed response, and as the client of the h2 origin MUST NOT accept one (RFC 9113 §8.1.1).',
    level: 'MUST',
    roles: ['reverse'],
    front: 'h2',
    upstream: 'h2',
    async run(ctx) {
      h2Origin(ctx).behave(() => v.response)
      const exchange = await oneExchange(ctx, v.slug)
      if ('kind' in exchange) return exchange
      const { result } = exchange
      const seen = malformedSeen(result, v.evil)
      if (seen !== undefined)
        return violates(
          `the origin's malformed response (${v.what}) not forwarded: a 502, or a reset if it was under way`,
          `the client received ${seen} (${describe(result)})`,
        )
      const status = Number(result.status ?? 0)
      if (result.end === 'end-stream' && !(status >= 500 && status <= 599))
        return violates(
          `the origin's malformed response (${v.what}) not forwarded: a 502, or a reset if it was under way`,
          `the client got it as a complete response: ${describe(result)}`,
        )
      return conforms(
        status === 502 || result.end !== 'end-stream'
          ? describe(result)
          : `${describe(result)} (a 5xx other than 502: which one is informational)`,
      )
    },
  }),
)

/** What an HTTP/1.1 client got: a line for the evidence, and whether a complete non-5xx response came. */
function h1Verdict(
  v: MalformedVariant,
  first: Awaited<ReturnType<Awaited<ReturnType<CaseContext['connect']>>['readResponse']>>,
  second: string,
): Outcome {
  const expected = `the origin's malformed response (${v.what}) not forwarded: a 502, or the connection cut if it was under way, then nothing out of step`
  const raw =
    first.kind === 'response'
      ? first.message.raw
      : 'partial' in first
        ? first.partial
        : Buffer.alloc(0)
  const text = raw.toString('latin1')
  const evil = v.evil ?? 'set-cookie: evil=1'
  if (text.toLowerCase().includes(evil)) return violates(expected, `the client received "${evil}"`)
  if (first.kind === 'response' && first.message.complete) {
    const status = first.message.head.status
    if (status < 500 || status > 599)
      return violates(
        expected,
        `a complete ${status} with ${first.message.body.length} octets of body (${JSON.stringify(text.slice(0, 200))})`,
      )
  }
  if (second !== '') return violates(expected, second)
  const how =
    first.kind === 'response'
      ? `${first.message.head.status}${first.message.complete ? '' : ', cut off'}`
      : first.kind
  return conforms(`HTTP/1.1 client: ${how}`)
}

// The same sentence (RFC 9113 §8.1.1), the client over HTTP/1.1: toward it a
// forwarded length mismatch or CRLF becomes response splitting (catalog H2-12).
// Left out toward HTTP/1.1, where the HTTP/1.1 hop itself makes them safe
// whatever the h2 side did (no seeded defect could fail them): a relayed
// transfer-encoding doubles the chunked framing (a strict HTTP/1.1 parser
// refuses it), a missing :status has no status line to write, and a body
// short of its content-length is a cut-off HTTP/1.1 response. A 204's head
// is the whole HTTP/1.1 response: a target that relays it before the DATA
// shows the h2 response malformed (nghttpx) can only drop the DATA, which the
// h2-client case judges.
const H1_LEFT_OUT = new Set([
  'transfer-encoding',
  'no-status',
  'content-length-short',
  'data-on-204',
])

const h1MalformedCases: CaseDefinition[] = variants
  .filter((v) => !H1_LEFT_OUT.has(v.slug))
  .map((v) =>
    defineCase({
      id: `h2-upstream-h1-client-malformed-${v.slug}`,
      title: `A malformed h2 origin response (${v.what}) is never forwarded to an HTTP/1.1 client`,
      requirements: ['H2-12'],
      spec: [
        { rfc: 9113, section: '8.1.1' },
        { rfc: 9112, section: '6.3' },
      ],
      requirement:
        'An intermediary MUST NOT forward a malformed response from its h2 origin, to an HTTP/1.1 client either (RFC 9113 §8.1.1).',
      level: 'MUST',
      roles: ['reverse'],
      upstream: 'h2',
      async run(ctx) {
        h2Origin(ctx).behave((r) =>
          r.field(':path')?.endsWith('/second') === true ? { body: 'second-ok' } : v.response,
        )
        const client = await ctx.connect()
        // Keep-alive, a second request queued behind the first (pipelined).
        await client.write(
          Buffer.concat([
            originRequest(ctx, { suffix: v.slug }),
            originRequest(ctx, { suffix: 'second' }),
          ]),
        )
        const first = await client.readResponse({ timeoutMs: ctx.remainingMs() })
        if (h2Origin(ctx).requests().length === 0)
          return timedOut(
            'the request to reach the h2 origin',
            isTimeout(first) ? first.afterMs : 0,
          )
        if (isTimeout(first)) return timedOut('an answer to the first request', first.afterMs)
        let second = ''
        if (first.kind === 'response' && first.message.complete && client.peerState === 'open') {
          const next = await client.readResponse({ timeoutMs: ctx.remainingMs() })
          if (next.kind === 'response' && next.message.body.toString('latin1') !== 'second-ok')
            second = `a second response out of step: ${next.message.head.status} ${JSON.stringify(next.message.body.toString('latin1').slice(0, 80))}`
          if (
            next.kind === 'response' &&
            next.message.raw.toString('latin1').toLowerCase().includes('evil=1')
          )
            second = 'evil=1 in the second response'
        }
        return h1Verdict(v, first, second)
      },
    }),
  )

/** Waits for a PING's ACK on the origin side: the target read every frame the origin sent before it. */
async function pingRoundTrip(ctx: CaseContext, conn: string): Promise<boolean> {
  const connection = h2Origin(ctx).connection(conn)
  if (connection === undefined) return false
  const opaque = Buffer.from(ctx.token.padEnd(8, '.').slice(0, 8), 'latin1')
  const from = connection.records.length
  await connection.sendPing(opaque)
  const ack = await connection.waitForFrame(
    (r) => r.frame.kind === 'PING' && r.frame.ack && r.frame.opaque.equals(opaque),
    { from, timeoutMs: ctx.remainingMs() },
  )
  return 'frame' in ack
}

const noErrorReset = defineCase({
  id: 'h2-upstream-no-error-reset-after-complete-response',
  title: 'A complete 413 from the h2 origin, then RST_STREAM(NO_ERROR), reaches the client whole',
  requirements: ['H2-26'],
  spec: [{ rfc: 9113, section: '8.1' }],
  // RFC 9113 §8.1: "A server can send a complete response prior to the client
  // sending an entire request [...] the server MAY request that the client
  // abort transmission of a request without error by sending a RST_STREAM
  // with an error code of NO_ERROR after sending a complete response [...].
  // Clients MUST NOT discard responses as a result of receiving such a
  // RST_STREAM". P is that client toward the origin.
  requirement:
    'A client MUST NOT discard a complete response because the server then reset the stream with NO_ERROR (RFC 9113 §8.1); the intermediary relays it whole.',
  level: 'MUST',
  roles: ['reverse'],
  front: 'h2',
  upstream: 'h2',
  async run(ctx) {
    const origin = h2Origin(ctx)
    origin.behave(() => undefined)
    // A small stream window: the 2 KiB body cannot all leave the target before the reset arrives.
    const client = await ctx.h2({
      settings: [
        [SETTING.ENABLE_PUSH, 0],
        [SETTING.INITIAL_WINDOW_SIZE, 1024],
      ],
    })
    const id = await client.request({
      ...ctx.h2Target(ctx.path('upload')),
      method: 'POST',
      endStream: false,
    })
    // 64 KiB of body: the target's whole stream window (RFC 9113 §6.9.2 default), never beyond it.
    await client.connection.sendData(id, Buffer.alloc(65_535, 0x61), { chunks: 16_384 })
    const head = await origin.until(
      '1 KiB of the POST at the h2 origin',
      () => origin.requests().find((r) => r.data.length >= 1024),
      ctx.remainingMs(),
    )
    if (isTimeout(head)) return timedOut('1 KiB of the POST to reach the h2 origin', head.afterMs)
    const conn = origin.connection(head.conn)
    if (conn === undefined) throw new Error(`no origin connection ${head.conn}`)
    const body = Buffer.alloc(2048, 0x7a)
    await conn.sendHeaders(head.streamId, [
      { name: ':status', value: '413' },
      { name: 'content-length', value: String(body.length) },
    ])
    await conn.sendData(head.streamId, body, { endStream: true })
    await conn.sendRst(head.streamId, ERROR_CODE.NO_ERROR)
    if (!(await pingRoundTrip(ctx, head.conn)))
      return timedOut('the target to acknowledge a PING sent after the reset', ctx.remainingMs())
    // Now the rest of the response may leave the target.
    await client.connection.sendWindowUpdate(id, 1 << 20)
    const result = await client.waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() })
    if (isTimeout(result)) return timedOut('the 413 to end at the client', result.afterMs)
    if (
      result.status === '413' &&
      result.end === 'end-stream' &&
      result.data.length === body.length
    )
      return conforms(describe(result))
    return violates(
      `the whole 413 (${body.length} octets, END_STREAM), possibly followed by RST_STREAM(NO_ERROR)`,
      describe(result),
    )
  },
})

const noRefusedStream = defineCase({
  id: 'h2-upstream-no-refused-stream-after-origin-read',
  title:
    'A POST the h2 origin read and then reset is never reported to the client as not processed',
  requirements: ['H2-28'],
  spec: [
    { rfc: 9113, section: '8.7' },
    { rfc: 9113, section: '6.8' },
  ],
  // RFC 9113 §8.7: "The RST_STREAM frame with the error code REFUSED_STREAM
  // [...] indicates that the stream is being closed prior to any processing
  // having occurred" and "Requests that have not been processed have not
  // failed; clients MAY automatically retry them". P passing REFUSED_STREAM
  // (or a GOAWAY excluding the stream) on for a request that reached the
  // origin invites the client to replay a POST (B97).
  requirement:
    'An intermediary MUST NOT tell the client a request was not processed (REFUSED_STREAM, or a GOAWAY excluding it) after the origin received it (RFC 9113 §8.7).',
  level: 'MUST',
  roles: ['reverse'],
  front: 'h2',
  upstream: 'h2',
  async run(ctx) {
    const origin = h2Origin(ctx)
    // (a) read the whole POST, then RST_STREAM(INTERNAL_ERROR); (b) REFUSED_STREAM once its head came.
    origin.behave((r) =>
      r.field(':path')?.endsWith('/pay') === true
        ? { rstCode: ERROR_CODE.INTERNAL_ERROR }
        : undefined,
    )
    const client = await ctx.h2()
    const id = await client.request({
      ...ctx.h2Target(ctx.path('pay')),
      method: 'POST',
      fields: [{ name: 'content-type', value: 'text/plain' }],
      body: 'amount=1',
    })
    const result = await client.waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() })
    const copies = origin.requests().filter((r) => r.field(':path')?.endsWith('/pay') === true)
    if (isTimeout(result)) return timedOut('the POST to end at the client', result.afterMs)
    if (copies.length === 0)
      return timedOut(`the POST to reach the h2 origin (${describe(result)})`, 0)
    const goaway = client.records.find(
      (r) => r.dir === 'received' && r.frame.kind === 'GOAWAY' && r.frame.lastStreamId < id,
    )
    if (result.end === 'reset' && result.rstCode === ERROR_CODE.REFUSED_STREAM)
      return violates(
        'a 5xx, or RST_STREAM with a code other than REFUSED_STREAM',
        describe(result),
      )
    if (goaway !== undefined)
      return violates(
        'no GOAWAY excluding the stream of a POST the origin read',
        'a GOAWAY whose last-stream-id is below the stream',
      )
    if (copies.length > 1)
      return violates('the POST processed once', `the h2 origin received it ${copies.length} times`)
    // (b), informational: the origin refuses a second POST at once (REFUSED_STREAM before reading).
    const refusal = await refusedOnce(ctx)
    return conforms(`(a) ${describe(result)}; (b) ${refusal}`)
  },
})

/** H2-28 (b): the origin answers REFUSED_STREAM to the first copy; what the client gets (INFO). */
async function refusedOnce(ctx: CaseContext): Promise<string> {
  const origin = h2Origin(ctx)
  let refused = 0
  origin.behave((r) => {
    if (r.field(':path')?.endsWith('/pay-b') !== true) return { body: 'ok' }
    refused += 1
    return refused === 1 ? { rstCode: ERROR_CODE.REFUSED_STREAM } : { body: 'paid' }
  })
  const client = await ctx.h2()
  const id = await client.request({
    ...ctx.h2Target(ctx.path('pay-b')),
    method: 'POST',
    body: 'amount=1',
  })
  const result = await client.waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() })
  if (isTimeout(result)) return 'no end within the deadline'
  return `after REFUSED_STREAM from the origin, ${refused} cop${refused === 1 ? 'y' : 'ies'} at the origin and ${describe(result)} (a retry or a refusal passed on are both allowed)`
}

const midBodyReset = defineCase({
  id: 'h2-upstream-reset-mid-body-not-end-stream',
  title: 'An h2 origin reset mid-body ends the client stream with RST_STREAM, never END_STREAM',
  requirements: ['H2-15'],
  spec: [
    { rfc: 9113, section: '8.1' },
    { rfc: 9110, section: '6.1' },
  ],
  // RFC 9113 §8.1: a response is complete only with END_STREAM; a stream
  // reset before it is incomplete. RFC 9110 §6.1 (derived, as KA-09): an
  // intermediary that ends the client's stream normally presents the
  // truncated body as complete (and possibly cacheable).
  requirement:
    'A response the h2 origin cut off (RST_STREAM mid-body) MUST reach the client as incomplete (RST_STREAM after the bytes), never with END_STREAM (RFC 9113 §8.1, derived).',
  level: 'MUST',
  roles: ['reverse'],
  front: 'h2',
  upstream: 'h2',
  async run(ctx) {
    h2Origin(ctx).behave(() => ({
      fields: [
        { name: ':status', value: '200' },
        { name: 'content-type', value: 'application/octet-stream' },
      ],
      body: Buffer.alloc(50_000, 0x62),
      dataChunks: 16_384,
      rstCode: ERROR_CODE.INTERNAL_ERROR,
    }))
    const exchange = await oneExchange(ctx, 'big')
    if ('kind' in exchange) return exchange
    const { result } = exchange
    const status = Number(result.status ?? 0)
    if (result.end === 'end-stream' && !(status >= 500 && status <= 599))
      return violates('RST_STREAM after the bytes relayed, no END_STREAM', describe(result))
    return conforms(describe(result))
  },
})

const streamLimit = defineCase({
  id: 'h2-upstream-origin-stream-limit',
  title: 'Never more concurrent streams to the h2 origin than its SETTINGS_MAX_CONCURRENT_STREAMS',
  requirements: ['H2-30'],
  spec: [
    { rfc: 9113, section: '5.1.2' },
    { rfc: 9113, section: '6.5.2' },
  ],
  // RFC 9113 §5.1.2: "An endpoint MUST NOT exceed the limit set by its peer."
  // Counted from the target's SETTINGS ACK on (§6.5.2: "Initially, there is
  // no limit to this value"; §6.5.3), so a first flight sent before the
  // origin's SETTINGS arrived is no violation.
  requirement:
    'Toward an h2 origin, an intermediary MUST NOT have more streams open on one connection than the origin allows (RFC 9113 §5.1.2); it queues or opens another connection.',
  level: 'MUST',
  roles: ['reverse'],
  front: 'h2',
  upstream: 'h2',
  // It counts streams on the target's connections to the run's h2 origin, which other
  // cases share: their streams would queue with these (each answer here waits up to 400 ms
  // for its connection to fill) and skew both this count and their timing.
  alone: 'it counts the streams open on the shared h2 origin connections',
  timeoutMs: 10_000,
  async run(ctx) {
    const origin = h2Origin(ctx)
    const limit = origin.maxConcurrentStreams
    const count = limit + 6
    const answered = new Set<string>()
    // Every answer waits until its connection holds `limit` of this case's streams (or all
    // arrived, or 400 ms), so a target that exceeds the limit has the streams open at once.
    origin.behave(async (r) => {
      const full = (): true | undefined => {
        const mine = origin.requests()
        const open = mine.filter(
          (m) => m.conn === r.conn && !answered.has(`${m.conn}/${m.streamId}`),
        )
        return open.length >= limit || mine.length > count ? true : undefined
      }
      await origin.until('the connection to fill', full, Math.min(400, ctx.remainingMs()))
      answered.add(`${r.conn}/${r.streamId}`)
      return { body: 'ok' }
    })
    const client = await ctx.h2()
    // One request first: the target's origin connection exists and has our SETTINGS
    // (before they are acknowledged, RFC 9113 §6.5.2 sets no limit).
    const warm = await client.request({ ...ctx.h2Target(ctx.path('warm')) })
    const warmed = await client.waitForStreamEnd(warm, { timeoutMs: ctx.remainingMs() })
    if (isTimeout(warmed)) return timedOut('a first request to complete', warmed.afterMs)
    const ids = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.request({ ...ctx.h2Target(ctx.path(`s${i}`)) }),
      ),
    )
    const results = []
    for (const id of ids) {
      const result = await client.waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() })
      if (isTimeout(result)) return timedOut(`all ${count} requests to complete`, result.afterMs)
      results.push(result)
    }
    const conns = [...new Set(origin.requests().map((r) => r.conn))]
    const worst = conns
      .map((conn) => ({ conn, most: upstreamStreamsAtOnce(origin.records(conn)) }))
      .sort((a, b) => b.most - a.most)[0]
    if (worst !== undefined && worst.most > limit)
      return violates(
        `at most ${limit} streams open at once on one origin connection (its SETTINGS_MAX_CONCURRENT_STREAMS)`,
        `${worst.most} open at once on ${worst.conn}`,
      )
    const failed = results.filter((r) => r.status !== '200' || r.end !== 'end-stream')
    if (failed.length > 0)
      return violates(
        `all ${count} requests complete with 200`,
        `${failed.length} did not: ${describe(failed[0]!)}`,
      )
    return conforms(
      `${count} requests over ${conns.length} origin connection(s), at most ${worst?.most ?? 0} streams open at once`,
    )
  },
})

const BIG = 2 * 1024 * 1024
const SMALL_WITHIN_MS = 2000

const sharedSlowReader = defineCase({
  id: 'h2-upstream-slow-reader-does-not-stall-others',
  title:
    'A client that reads nothing does not stall other clients sharing the h2 origin connection',
  requirements: ['H2-31'],
  spec: [
    { rfc: 9113, section: '5.2' },
    { rfc: 9113, section: '5.2.2' },
  ],
  // RFC 9113 §5.2: "Flow control is used for both individual streams and
  // the entire connection" so that one stream does not block others; §5.2.2
  // "flow control [...] can lead to suboptimal use of available network
  // resources". Catalog H2-31 (b): across clients that share an h2 upstream
  // connection one slow reader *should* not stall the others: SHOULD (WARN).
  requirement:
    'Clients sharing an h2 upstream connection through the intermediary should not stall each other: one that reads nothing (zero stream window) must not hold the others back (RFC 9113 §5.2; catalog H2-31 (b)).',
  level: 'SHOULD',
  roles: ['reverse'],
  front: 'h2',
  upstream: 'h2',
  // It times small GETs on the h2 origin connections other cases share.
  alone: 'it times requests over the shared h2 origin connections',
  timeoutMs: 8000,
  async run(ctx) {
    const origin = h2Origin(ctx)
    let big: WindowedSend | undefined
    let bigStarted: (send: WindowedSend) => void = () => undefined
    const bigSend = new Promise<WindowedSend>((resolve) => {
      bigStarted = resolve
    })
    origin.behave((r, connection) => {
      if (r.field(':path')?.endsWith('/big') !== true) {
        // The small answers too go within the windows the target grants (a well-behaved origin).
        void connection
          .sendHeaders(r.streamId, [{ name: ':status', value: '200' }])
          .then(() =>
            sendWithinWindows(origin, connection, r.streamId, Buffer.from('small'), () =>
              ctx.remainingMs(),
            ),
          )
        return undefined
      }
      void (async () => {
        await connection.sendHeaders(r.streamId, [
          { name: ':status', value: '200' },
          { name: 'content-length', value: String(BIG) },
        ])
        big = sendWithinWindows(origin, connection, r.streamId, Buffer.alloc(BIG, 0x62), () =>
          ctx.remainingMs(),
        )
        bigStarted(big)
      })()
      return undefined
    })
    // C1 grants no stream window at all: it reads nothing of /big.
    const slow = await ctx.h2({
      settings: [
        [SETTING.ENABLE_PUSH, 0],
        [SETTING.INITIAL_WINDOW_SIZE, 0],
      ],
    })
    await slow.request({ ...ctx.h2Target(ctx.path('big')) })
    const underWay = await ctx.wait(
      '/big to be under way at the h2 origin',
      bigSend.then((send) => send.underWay(128 * 1024)),
    )
    if (isTimeout(underWay)) return timedOut('the h2 origin to send /big', underWay.afterMs)
    const c2 = await ctx.h2()
    const started = performance.now()
    const ids = await Promise.all(
      Array.from({ length: 5 }, (_, i) => c2.request({ ...ctx.h2Target(ctx.path(`small-${i}`)) })),
    )
    for (const id of ids) {
      const result = await c2.waitForStreamEnd(id, {
        timeoutMs: Math.min(ctx.remainingMs(), SMALL_WITHIN_MS + 250),
      })
      const took = performance.now() - started
      if (
        isTimeout(result) ||
        result.status !== '200' ||
        took > SMALL_WITHIN_MS + ctx.lagSince(started)
      )
        return violates(
          `the other client's 5 small GETs complete within ${SMALL_WITHIN_MS} ms while /big waits for its reader`,
          isTimeout(result)
            ? `stream ${id} had not ended after ${Math.round(took)} ms (the origin had sent ${big?.sent ?? 0} octets of /big${big?.blocked === true ? ', waiting for window' : ''})`
            : `stream ${id}: ${describe(result)} after ${Math.round(took)} ms`,
        )
    }
    return conforms(
      `5 small GETs in ${Math.round(performance.now() - started)} ms; the origin had sent ${big?.sent ?? 0} octets of /big`,
    )
  },
})

export const upstreamCases: readonly CaseDefinition[] = [
  ...malformedCases,
  ...h1MalformedCases,
  noErrorReset,
  noRefusedStream,
  midBodyReset,
  streamLimit,
  sharedSlowReader,
]
