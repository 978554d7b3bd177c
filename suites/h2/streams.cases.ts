// H2-25, H2-29 … H2-32 (streams and connections end to end, starting h2),
// with the HTTP/1.1 harness origin behind the target. The parts that need an
// h2 origin behind it (H2-26, H2-28, H2-30(b), H2-31(b)) and the graceful
// stop (H2-27, a stop hook per target) are not here.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase, type CaseDefinition } from '../../harness/engine/model/case.js'
import {
  conforms,
  endCase,
  observed,
  timedOut,
  violates,
} from '../../harness/engine/model/outcome.js'
import { ERROR_CODE, SETTING, errorCodeName } from '../../harness/h2/constants.js'
import type { FrameRecord, H2RawClient, StreamResult } from '../../harness/h2/index.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginConnection, OriginRequest } from '../../harness/origin/types.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { originRequest } from '../support/request.js'
import {
  describeEnd,
  finalBlock,
  h2Get,
  streamEnd,
  streamEndWithin,
  valuesOf,
} from './support/resp-kit.js'

/** The last path segment of an origin request (`/<token>/<suffix>` → suffix). */
function suffixOf(request: OriginRequest): string {
  const path = request.message.head.target.split('?')[0] ?? ''
  return path.slice(path.lastIndexOf('/') + 1)
}

/** A 200 with Content-Length, `x-token: <suffix>` and the body `<suffix>:<token>`. */
function tokenAnswer(suffix: string, token: string): Buffer {
  const body = `${suffix}:${token}`
  return responseBytes({
    status: 200,
    headers: [
      ['X-Token', suffix],
      ['Content-Length', String(body.length)],
    ],
    body,
  })
}

/** Whether a completed stream carries `suffix` as its x-token and `<suffix>:<token>` as its body. */
function carriesOwnToken(result: StreamResult, suffix: string, token: string): string | undefined {
  const tokens = valuesOf(finalBlock(result), 'x-token')
  const body = result.data.toString('latin1')
  if (result.status !== '200') return `${suffix}: ${describeEnd(result)}`
  if (tokens.length !== 1 || tokens[0] !== suffix)
    return `${suffix}: x-token ${JSON.stringify(tokens)}`
  if (body !== `${suffix}:${token}`) return `${suffix}: body ${JSON.stringify(body.slice(0, 60))}`
  return undefined
}

/** The first DATA frame on stream `id` (the response is flowing), or the case ends. */
async function firstData(
  ctx: CaseContext,
  client: H2RawClient,
  id: number,
  what: string,
): Promise<void> {
  const record = await client.waitForFrame(
    (r) => r.frame.header.streamId === id && r.frame.kind === 'DATA' && r.frame.data.length > 0,
    { timeoutMs: Math.min(ctx.remainingMs(), 5000), what },
  )
  if (isTimeout(record)) endCase(timedOut(what, record.afterMs))
  if (!('frame' in record)) endCase(violates(what, `the connection closed (${record.how}) first`))
}

/** Who closed an origin connection, as a note. */
function closedBy(value: 'peer' | 'origin' | { readonly afterMs: number }): string {
  return typeof value === 'string'
    ? `closed by the ${value === 'peer' ? 'target' : 'origin'}`
    : 'open'
}

// --- H2-25 -----------------------------------------------------------------

const FAST_COUNT = 20
const SLOW_LENGTH = 10_485_760
const SLOW_SENT = 65_536

const clientResetAbortsUpstream = defineCase({
  id: 'client-reset-aborts-upstream',
  title:
    'A client RST_STREAM closes the half-read upstream HTTP/1.1 connection; no later request goes out on it, and each later response keeps its own token',
  requirements: ['H2-25'],
  spec: [
    { rfc: 9113, section: '6.4' },
    { rfc: 9113, section: '5.1' },
    { rfc: 9112, section: '9.3' },
    { rfc: 9112, section: '6.3' },
  ],
  requirement:
    'After a client reset, the upstream exchange is aborted (its connection closed or read to its end) and never reused with a response unfinished.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  timeoutMs: 45_000,
  // Grades the derived MUST (RFC 9112 §9.3 with §6.3: a connection carries
  // the next response only after the previous one is read to its framed
  // end, so a request written on a connection whose response is unfinished
  // gets the wrong bytes back), and, at SHOULD, the row's semantic part: the
  // upstream work a reset abandoned is stopped (RFC 9113 §6.4 "RST_STREAM
  // ... allows for immediate termination of a stream"; §5.1 "closed").
  async run(ctx) {
    const open: OriginConnection[] = []
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        const suffix = suffixOf(request)
        if (suffix === 'slow') {
          open.push(connection)
          connection.write(
            Buffer.concat([
              responseBytes({ status: 200, headers: [['Content-Length', String(SLOW_LENGTH)]] }),
              Buffer.alloc(SLOW_SENT, 0x73),
            ]),
          )
        } else if (suffix === 'sse') {
          open.push(connection)
          connection.write(
            responseBytes({
              status: 200,
              headers: [
                ['Content-Type', 'text/event-stream'],
                ['Transfer-Encoding', 'chunked'],
              ],
              body: '9\r\ndata: 1\n\n\r\n',
            }),
          )
        } else connection.write(tokenAnswer(suffix, ctx.token))
      },
    })
    const client = await ctx.h2()
    const slow = await client.request(h2Get(ctx, 'slow'))
    const sse = await client.request(h2Get(ctx, 'sse'))
    await firstData(ctx, client, slow, 'the first DATA of /slow')
    await firstData(ctx, client, sse, 'the first DATA of /sse')
    await client.connection.sendRst(slow, ERROR_CODE.CANCEL)
    await client.connection.sendRst(sse, ERROR_CODE.CANCEL)
    const resetAt = performance.now()
    const fast: { readonly suffix: string; readonly id: number }[] = []
    for (let i = 0; i < FAST_COUNT; i += 1) {
      const suffix = `fast-${i}`
      fast.push({ suffix, id: await client.request(h2Get(ctx, suffix)) })
    }
    const requests = ctx.origin.requests()
    const connOf = (suffix: string): string | undefined =>
      requests.find((r) => suffixOf(r) === suffix)?.conn
    const slowConn = connOf('slow')
    const sseConn = connOf('sse')
    if (slowConn === undefined || sseConn === undefined)
      return violates('/slow and /sse at the origin', 'the origin never saw them')

    const problems: string[] = []
    for (const { suffix, id } of fast) {
      const result = await streamEnd(ctx, client, id, `the response to /${suffix}`)
      const wrong = carriesOwnToken(result, suffix, ctx.token)
      if (wrong !== undefined) problems.push(wrong)
    }
    const reused = ctx.origin
      .requests()
      .filter((r) => suffixOf(r).startsWith('fast-') && (r.conn === slowConn || r.conn === sseConn))
    if (reused.length > 0)
      problems.push(
        `${reused.length} request(s) written on a connection whose response was unfinished: ${reused.map((r) => `${suffixOf(r)} on ${r.conn}`).join(', ')}`,
      )
    if (problems.length > 0)
      return violates(
        'no request on the half-read connections; every /fast response with its own token',
        problems.join('; '),
      )

    // The semantic part (SHOULD here): the abandoned exchanges are stopped.
    const SLOW_BOUND_MS = 5000
    const slowClosed = await ctx.origin.connectionClosed(
      slowConn,
      Math.max(1, SLOW_BOUND_MS - (performance.now() - resetAt)),
    )
    const slowLate = isTimeout(slowClosed)
      ? `the /slow upstream connection (${slowConn}) still open ${Math.round(performance.now() - resetAt)} ms after the reset`
      : undefined
    // The row's 30 s for the SSE exchange, waited only when the verdict hangs on it.
    const sseClosed = await ctx.origin.connectionClosed(
      sseConn,
      slowLate !== undefined
        ? 1
        : Math.max(1, Math.min(ctx.remainingMs() - 1000, 30_000 - (performance.now() - resetAt))),
    )
    const warnings = [
      ...(slowLate === undefined ? [] : [slowLate]),
      ...(isTimeout(sseClosed)
        ? [
            `the /sse upstream connection (${sseConn}) still open ${Math.round(performance.now() - resetAt)} ms after the reset${slowLate === undefined ? '' : ' (not waited for further)'}`,
          ]
        : []),
    ]
    for (const connection of open) connection.end()
    return warnings.length === 0
      ? conforms(
          `upstream connections after the reset: /slow ${closedBy(slowClosed)}, /sse ${closedBy(sseClosed)}`,
        )
      : violates(
          'the upstream connections of the reset streams closed (or drained) soon after the reset',
          warnings.join('; '),
          'SHOULD',
        )
  },
})

// --- H2-29 -----------------------------------------------------------------

const CONNECTIONS = 2
const STREAMS = 50

/** What the origin answers for the i-th stream: its kind by index. */
function mixAnswer(i: number, suffix: string, token: string, connection: OriginConnection): void {
  const body = `${suffix}:${token}`
  switch (i % 10) {
    case 4:
    case 6:
      connection.write(
        Buffer.concat([
          responseBytes({
            status: 200,
            headers: [
              ['X-Token', suffix],
              ['Transfer-Encoding', 'chunked'],
            ],
          }),
          Buffer.from(
            `${(suffix.length + 1).toString(16)}\r\n${suffix}:\r\n${token.length.toString(16)}\r\n${token}\r\n0\r\n\r\n`,
            'latin1',
          ),
        ]),
      )
      return
    case 7:
      connection.write(
        responseBytes({
          status: 304,
          headers: [
            ['X-Token', suffix],
            ['ETag', `"${suffix}"`],
          ],
        }),
      )
      return
    case 8:
      if (i % 20 === 8) {
        // 5%: the origin closes mid-body.
        connection.write(
          Buffer.concat([
            responseBytes({
              status: 200,
              headers: [
                ['X-Token', suffix],
                ['Content-Length', String(body.length + 100)],
              ],
            }),
            Buffer.from(body, 'latin1'),
          ]),
        )
        connection.end()
        return
      }
      connection.write(tokenAnswer(suffix, token))
      return
    default:
      connection.write(tokenAnswer(suffix, token))
  }
}

const responsesOnOwnStreams = defineCase({
  id: 'responses-on-their-own-streams',
  title:
    'Under concurrency, out-of-order answers, client resets and upstream cuts, every response carries its own request’s token',
  requirements: ['H2-29'],
  spec: [
    { rfc: 9113, section: '8.1' },
    { rfc: 9112, section: '9.2' },
  ],
  requirement:
    'Each response goes back on the stream of its own request, with its own fields and body; a failed stream ends in RST_STREAM or a 5xx.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  timeoutMs: 30_000,
  // Grades RFC 9113 §8.1 "An HTTP request/response exchange fully consumes a
  // single stream ... A response ... is sent on the same stream as the
  // request" with RFC 9112 §9.2 (a response belongs to the request it
  // answers): a response on another stream, or with another request's
  // fields or body, is a mix-up between users. The streams the origin cuts
  // mid-body must end in RST_STREAM or a 5xx (the row's "every failed stream");
  // a target that ends them with END_STREAM fails here for the reason it
  // fails h2/truncated-response-is-reset (H2-15), and the verdict says so.
  async run(ctx) {
    // Out of order: each answer is held until five more requests came (the
    // rest once all are in), then a pseudo-random one of those held goes.
    const held: { readonly request: OriginRequest; readonly connection: OriginConnection }[] = []
    let seed = 7
    let flushed = false
    const answer = (all: boolean): void => {
      while (held.length > (all ? 0 : 5)) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        const [next] = held.splice(seed % held.length, 1)
        if (next === undefined) break
        const suffix = suffixOf(next.request)
        const i = Number(suffix.split('-')[2] ?? '0')
        mixAnswer(i, suffix, ctx.token, next.connection)
      }
    }
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        held.push({ request, connection })
        // Once flushed, every later arrival goes at once: a target that forwards only a few
        // streams at a time (Apache, about four) sends the rest after the flush.
        answer(flushed)
      },
    })
    const clients: H2RawClient[] = []
    for (let c = 0; c < CONNECTIONS; c += 1) clients.push(await ctx.h2())
    const streams: {
      client: H2RawClient
      id: number
      suffix: string
      i: number
      reset: boolean
    }[] = []
    for (let i = 0; i < STREAMS; i += 1) {
      for (const [c, client] of clients.entries()) {
        const suffix = `s-${c}-${i}`
        const id = await client.request({
          ...h2Get(ctx, suffix),
          fields: [{ name: 'x-token', value: suffix }],
        })
        // 10% are reset by the client once their response started.
        streams.push({ client, id, suffix, i, reset: i % 10 === 5 })
      }
    }
    const total = streams.length
    const allIn = await ctx.wait(
      'every request at the origin',
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (ctx.origin.requests().length >= total) resolve()
        }
        check()
        // The origin queue resolves one request at a time; re-check after each.
        void (async () => {
          for (;;) {
            const next = await ctx.origin.nextRequest(Math.min(ctx.remainingMs(), 5000))
            if (isTimeout(next)) break
            check()
            if (ctx.origin.requests().length >= total) break
          }
          resolve()
        })()
      }),
      8000,
    )
    flushed = true
    answer(true)
    const seen = ctx.origin.requests().length
    for (const s of streams.filter((x) => x.reset)) {
      const started = await s.client.waitForFrame(
        (r: FrameRecord) => r.frame.header.streamId === s.id,
        { timeoutMs: Math.min(ctx.remainingMs(), 3000), what: `the response on ${s.suffix}` },
      )
      if (!isTimeout(started)) await s.client.connection.sendRst(s.id, ERROR_CODE.CANCEL)
    }
    const mismatches: string[] = []
    const failedBadly: string[] = []
    const notes: string[] = []
    for (const s of streams) {
      const result = await streamEndWithin(ctx, s.client, s.id, Math.min(ctx.remainingMs(), 5000))
      if (result === undefined) {
        failedBadly.push(`${s.suffix}: no end`)
        continue
      }
      const tokens = valuesOf(finalBlock(result), 'x-token')
      const body = result.data.toString('latin1')
      // A mix-up, whatever the stream's fate: another request's token in its fields or body.
      const foreign = [...tokens, ...(body.match(/s-\d+-\d+/g) ?? [])].filter((t) => t !== s.suffix)
      if (foreign.length > 0) {
        mismatches.push(`${s.suffix} got ${[...new Set(foreign)].join(', ')}`)
        continue
      }
      if (s.reset) continue
      const cut = s.i % 20 === 8
      if (result.end === 'end-stream' && result.status?.startsWith('5') !== true) {
        if (cut) {
          failedBadly.push(
            `${s.suffix} (cut mid-body upstream, presented as complete: the H2-15 truncation): ${describeEnd(result)}`,
          )
          continue
        }
        const expected304 = s.i % 10 === 7
        if (expected304 ? result.status !== '304' : result.status !== '200')
          failedBadly.push(`${s.suffix}: ${describeEnd(result)}`)
        else if (tokens.length !== 1 || (!expected304 && body !== `${s.suffix}:${ctx.token}`))
          failedBadly.push(
            `${s.suffix}: x-token ${JSON.stringify(tokens)}, body ${JSON.stringify(body.slice(0, 40))}`,
          )
      } else if (!cut) notes.push(`${s.suffix}: ${describeEnd(result)}`)
    }
    if (mismatches.length > 0)
      return violates(
        'every stream with its own token in x-token and the body',
        `${mismatches.length} mix-up(s): ${mismatches.slice(0, 8).join('; ')}`,
      )
    if (failedBadly.length > 0)
      return violates(
        'every completed stream whole; every failed one ended by RST_STREAM or a 5xx',
        failedBadly.slice(0, 8).join('; '),
      )
    return conforms(
      [
        `${seen}/${total} requests at the origin${isTimeout(allIn) ? ' (not all within 8 s)' : ''}`,
        ...(notes.length === 0 ? [] : [`failed without a mix-up: ${notes.slice(0, 5).join('; ')}`]),
      ].join('; '),
    )
  },
})

// --- H2-30 (a) ---------------------------------------------------------------

const EXTRA_STREAMS = 5
const LIMIT_CAP = 1000

const enforcesStreamLimit = defineCase({
  id: 'enforces-advertised-stream-limit',
  title:
    'Streams beyond the SETTINGS_MAX_CONCURRENT_STREAMS the target advertised are reset and never reach the origin',
  requirements: ['H2-30'],
  spec: [
    { rfc: 9113, section: '5.1.2' },
    { rfc: 9113, section: '6.5.2' },
    { rfc: 9113, section: '8.7' },
  ],
  requirement:
    'A HEADERS frame that exceeds the advertised concurrent stream limit MUST be treated as a stream error (PROTOCOL_ERROR or REFUSED_STREAM).',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  timeoutMs: 30_000,
  // Grades RFC 9113 §5.1.2 "An endpoint that receives a HEADERS frame that
  // causes its advertised concurrent stream limit to be exceeded MUST treat
  // this as a stream error (Section 5.4.2) of type PROTOCOL_ERROR or
  // REFUSED_STREAM." Which of the two codes is INFO; a stream refused with
  // REFUSED_STREAM must not have been processed (§8.7).
  async run(ctx) {
    const heldConnections: OriginConnection[] = []
    ctx.origin.behave({
      kind: 'raw',
      respond(_request, connection) {
        heldConnections.push(connection)
      },
    })
    const release = (): void => {
      for (const connection of heldConnections.splice(0)) {
        connection.write(responseBytes({ status: 200, headers: [['Content-Length', '0']] }))
      }
    }
    const client = await ctx.h2()
    const settings = await client.connection.waitForSettings({
      timeoutMs: Math.min(ctx.remainingMs(), 5000),
    })
    if (isTimeout(settings) || !('frame' in settings) || settings.frame.kind !== 'SETTINGS')
      return violates("the target's SETTINGS", 'none came')
    const limit = settings.frame.settings.find(([id]) => id === SETTING.MAX_CONCURRENT_STREAMS)?.[1]
    if (limit === undefined)
      return observed(
        'the target advertises no SETTINGS_MAX_CONCURRENT_STREAMS (no limit to enforce)',
      )
    if (limit > LIMIT_CAP)
      return observed(
        `the target advertises MAX_CONCURRENT_STREAMS ${limit}; the case opens at most ${LIMIT_CAP}`,
      )
    const ids: number[] = []
    const suffixById = new Map<number, string>()
    for (let i = 0; i < limit + EXTRA_STREAMS; i += 1) {
      const id = await client.request(h2Get(ctx, `held-${i}`))
      ids.push(id)
      suffixById.set(id, `held-${i}`)
    }
    const resets = (): FrameRecord[] =>
      client.records.filter((r) => r.dir === 'received' && r.frame.kind === 'RST_STREAM')
    const goawayRecord = (): FrameRecord | undefined =>
      client.records.find((r) => r.dir === 'received' && r.frame.kind === 'GOAWAY')
    // Refused streams, or (RFC 9113 §5.4: "An endpoint can end a connection at any time"; a
    // stream error MAY be treated as a connection error) a GOAWAY, or a close.
    const refused = await client.waitForFrame(
      () => resets().length >= EXTRA_STREAMS || goawayRecord() !== undefined,
      { timeoutMs: Math.min(ctx.remainingMs(), 5000), what: `${EXTRA_STREAMS} streams refused` },
    )
    const goaway = goawayRecord()
    const lastStreamId =
      goaway?.frame.kind === 'GOAWAY' ? goaway.frame.lastStreamId : Number.MAX_SAFE_INTEGER
    const expectedAtOrigin = Math.min(limit, ids.filter((id) => id <= lastStreamId).length)
    // Every accepted stream is at the origin (or the wait ran out): nothing else is on its way.
    await ctx.wait(
      'the accepted streams at the origin',
      (async () => {
        while (ctx.origin.requests().length < expectedAtOrigin) {
          if (isTimeout(await ctx.origin.nextRequest(Math.min(ctx.remainingMs(), 5000)))) return
        }
      })(),
      8000,
    )
    const atOrigin = ctx.origin.requests()
    release()
    const resetIds = resets().map((r) => r.frame.header.streamId)
    const forwardedReset = atOrigin.filter((r) =>
      resetIds.some((id) => suffixById.get(id) === suffixOf(r)),
    )
    const aboveGoaway = atOrigin.filter((r) =>
      ids.some((id) => id > lastStreamId && suffixById.get(id) === suffixOf(r)),
    )
    const codes = [
      ...new Set(
        resets().map((r) =>
          r.frame.kind === 'RST_STREAM' ? errorCodeName(r.frame.errorCode) : '',
        ),
      ),
    ]
    if (atOrigin.length > limit || forwardedReset.length > 0 || aboveGoaway.length > 0)
      return violates(
        `at most ${limit} requests at the origin; the ${EXTRA_STREAMS} extra streams reset and not processed`,
        `${atOrigin.length} requests at the origin of ${limit + EXTRA_STREAMS} streams${forwardedReset.length > 0 ? `, ${forwardedReset.length} of them on streams it reset` : ''}${aboveGoaway.length > 0 ? `, ${aboveGoaway.length} above the GOAWAY's last stream id ${lastStreamId}` : ''}`,
      )
    if (goaway?.frame.kind === 'GOAWAY') {
      const code = errorCodeName(goaway.frame.errorCode)
      // RFC 9113 §5.4: "An endpoint MAY choose to treat a stream error as a connection error."
      return conforms(
        `limit ${limit}; the extra streams ended the connection: GOAWAY(${code}, last stream ${lastStreamId}) instead of RST_STREAM (allowed, RFC 9113 §5.4); ${atOrigin.length} at the origin, none above the last stream id`,
      )
    }
    if (!isTimeout(refused) && !('frame' in refused))
      // Closed without a GOAWAY we could read (a reset connection loses what was in flight).
      return conforms(
        `limit ${limit}; the extra streams ended the connection (${refused.how}, no GOAWAY read; allowed, RFC 9113 §5.4); ${atOrigin.length} at the origin`,
      )
    if (isTimeout(refused) || resets().length < EXTRA_STREAMS)
      return violates(
        `the ${EXTRA_STREAMS} streams beyond ${limit} reset (REFUSED_STREAM or PROTOCOL_ERROR)`,
        `${resets().length} RST_STREAM; ${atOrigin.length} requests at the origin (the extra streams queued, not refused?)`,
      )
    const note = `limit ${limit}; ${atOrigin.length} at the origin; RST_STREAM codes: ${codes.join(', ')}`
    if (codes.some((c) => c !== 'REFUSED_STREAM' && c !== 'PROTOCOL_ERROR'))
      return violates('REFUSED_STREAM or PROTOCOL_ERROR on the extra streams', note, 'INFO')
    return conforms(note)
  },
})

// --- H2-31 (a) ---------------------------------------------------------------

const STREAM_WINDOW = 65_535
const BIG_LENGTH = 1_048_576
const SMALL_COUNT = 10
const PINGS = 5

/** DATA octets (flow-controlled length, padding included) received on stream `id`. */
function dataReceived(client: H2RawClient, id: number): number {
  let n = 0
  for (const r of client.records) {
    if (r.dir === 'received' && r.frame.kind === 'DATA' && r.frame.header.streamId === id)
      n += r.frame.header.length
  }
  return n
}

const respectsFlowControl = defineCase({
  id: 'respects-flow-control-windows',
  title:
    "DATA on a stream never exceeds the client's stream window; small streams and PINGs are answered while that stream is blocked",
  requirements: ['H2-31'],
  spec: [
    { rfc: 9113, section: '5.2' },
    { rfc: 9113, section: '5.2.1' },
    { rfc: 9113, section: '5.2.2' },
    { rfc: 9113, section: '6.9' },
    { rfc: 9113, section: '6.7' },
  ],
  requirement:
    'A sender MUST NOT send a flow-controlled frame beyond either window; a blocked stream does not stall the others or the connection.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  timeoutMs: 30_000,
  // Grades RFC 9113 §6.9.1 "A sender MUST NOT send a flow-controlled frame
  // with a length that exceeds the space available in either of the
  // flow-control windows advertised by the receiver", §6.7 "Receivers of a
  // PING frame that does not include an ACK flag MUST send a PING frame with
  // the ACK flag set in response", and §5.2.2 (flow control keeps one stream
  // from blocking the others): small streams that wait until the big one
  // drains are a WARN, small streams that never finish a deadlock.
  async run(ctx) {
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        const suffix = suffixOf(request)
        if (suffix === 'big') {
          connection.write(
            Buffer.concat([
              responseBytes({ status: 200, headers: [['Content-Length', String(BIG_LENGTH)]] }),
              Buffer.alloc(BIG_LENGTH, 0x62),
            ]),
          )
        } else connection.write(tokenAnswer(suffix, ctx.token))
      },
    })
    const client = await ctx.h2({
      settings: [
        [SETTING.ENABLE_PUSH, 0],
        [SETTING.INITIAL_WINDOW_SIZE, STREAM_WINDOW],
      ],
    })
    const big = await client.request(h2Get(ctx, 'big'))
    // The big stream has its whole window (it is blocked from here on), or it stalls short of it.
    await client.waitForFrame(() => dataReceived(client, big) >= STREAM_WINDOW, {
      timeoutMs: Math.min(ctx.remainingMs(), 5000),
      what: 'the first 65535 octets of /big',
    })
    const t0 = performance.now()
    const small: { readonly suffix: string; readonly id: number }[] = []
    for (let i = 0; i < SMALL_COUNT; i += 1) {
      const suffix = `small-${i}`
      small.push({ suffix, id: await client.request(h2Get(ctx, suffix)) })
    }
    const unanswered: string[] = []
    for (let p = 0; p < PINGS; p += 1) {
      const opaque = Buffer.from(`ping-${p}`.padEnd(8, '.'), 'latin1')
      const sentAt = performance.now()
      const from = client.records.length
      await client.connection.sendPing(opaque)
      const ack = await client.waitForFrame(
        (r) => r.frame.kind === 'PING' && r.frame.ack && r.frame.opaque.equals(opaque),
        {
          from,
          timeoutMs: Math.min(ctx.remainingMs(), 1000 + ctx.lagSince(sentAt)),
          what: 'a PING ACK',
        },
      )
      if (isTimeout(ack) || !('frame' in ack)) unanswered.push(`PING ${p}`)
      else if (ack.at - sentAt > 1000 + ctx.lagSince(sentAt))
        unanswered.push(`PING ${p} answered after ${Math.round(ack.at - sentAt)} ms`)
    }
    const SMALL_BOUND_MS = 2000
    const late: string[] = []
    const wrong: string[] = []
    for (const s of small) {
      const result = await streamEndWithin(
        ctx,
        client,
        s.id,
        Math.max(1, SMALL_BOUND_MS + ctx.lagSince(t0) - (performance.now() - t0)),
      )
      if (result === undefined) late.push(s.suffix)
      else {
        const problem = carriesOwnToken(result, s.suffix, ctx.token)
        if (problem !== undefined) wrong.push(problem)
      }
    }
    const bigBefore = dataReceived(client, big)
    const overrun =
      bigBefore > STREAM_WINDOW
        ? `${bigBefore} DATA octets on /big, whose stream window was ${STREAM_WINDOW} (no WINDOW_UPDATE sent for it)`
        : undefined
    if (overrun !== undefined)
      return violates(`at most ${STREAM_WINDOW} DATA octets on /big`, overrun)
    if (unanswered.length > 0)
      return violates('every PING answered within 1 s while /big is blocked', unanswered.join('; '))
    if (wrong.length > 0) return violates('each small GET with its own answer', wrong.join('; '))
    if (late.length === 0)
      return conforms(
        `${bigBefore} octets on /big (window ${STREAM_WINDOW}); ${SMALL_COUNT} small GETs within ${SMALL_BOUND_MS} ms`,
      )
    // Do the small streams wait for /big? Open its window and see.
    await client.connection.sendWindowUpdate(big, BIG_LENGTH)
    const stuck: string[] = []
    for (const s of small.filter((x) => late.includes(x.suffix))) {
      const result = await streamEndWithin(ctx, client, s.id, Math.min(ctx.remainingMs(), 5000))
      if (result === undefined) stuck.push(s.suffix)
    }
    if (stuck.length > 0)
      return violates(
        'the small GETs answered while /big is blocked (at the latest once it drains)',
        `${stuck.join(', ')} never finished, even after /big's window was opened (a deadlock)`,
      )
    return violates(
      `the small GETs answered within ${SMALL_BOUND_MS} ms while /big is blocked`,
      `${late.join(', ')} finished only after /big's window was opened (they waited for the blocked stream)`,
      'SHOULD',
    )
  },
})

// --- H2-32 -------------------------------------------------------------------

const alpnSelectsH2 = defineCase({
  id: 'alpn-selects-h2',
  title:
    'Over TLS the target selects h2 when offered, never selects h2c, and speaks HTTP/1.1 without ALPN',
  requirements: ['H2-32'],
  spec: [
    { rfc: 9113, section: '3.2' },
    { rfc: 9113, section: '3.3' },
    { rfc: 7301, section: '3.2' },
  ],
  requirement:
    'Over TLS, h2 is spoken only when ALPN selected "h2"; "h2c" MUST NOT be selected by a server over TLS.',
  level: 'MUST',
  roles: ['tls-terminator'],
  front: 'h2',
  // Grades RFC 9113 §3.2 "The "h2c" string is reserved from the ALPN
  // identifier space but describes a protocol that does not use TLS" and
  // §3.3 "HTTP/2 over TLS uses the "h2" protocol identifier. The "h2c"
  // protocol identifier MUST NOT be sent by a client or selected by a
  // server", and RFC 7301 §3.2 (the server selects one of the client's
  // protocols, or sends no_application_protocol).
  async run(ctx) {
    const problems: string[] = []
    const notes: string[] = []
    const offered = await ctx.h2({ alpn: ['h2', 'http/1.1'] })
    if (offered.alpnProtocol !== 'h2')
      problems.push(`offered h2, http/1.1: selected ${String(offered.alpnProtocol)}`)
    else {
      const id = await offered.request(h2Get(ctx, 'alpn-h2'))
      const result = await streamEnd(ctx, offered, id, 'the GET over ALPN h2')
      if (result.status !== '200') problems.push(`GET over ALPN h2: ${describeEnd(result)}`)
    }
    try {
      const h2c = await ctx.h2({ alpn: ['h2c'], preface: false })
      if (h2c.alpnProtocol === 'h2c') problems.push('offered only h2c: selected h2c over TLS')
      else notes.push(`offered only h2c: selected ${String(h2c.alpnProtocol)}`)
      h2c.destroy()
    } catch (error) {
      notes.push(
        `offered only h2c: the handshake failed (${error instanceof Error ? error.message.slice(0, 120) : String(error)})`,
      )
    }
    const plain = await ctx.connect()
    await plain.write(originRequest(ctx, { suffix: 'no-alpn' }))
    const read = await plain.readResponse({ timeoutMs: Math.min(ctx.remainingMs(), 5000) })
    if (read.kind !== 'response' || read.message.head.version !== 'HTTP/1.1')
      problems.push(
        `no ALPN: ${read.kind === 'response' ? `${read.message.head.version} ${read.message.head.status}` : read.kind} (HTTP/1.1 expected)`,
      )
    else notes.push(`no ALPN: HTTP/1.1 ${read.message.head.status}`)
    return problems.length === 0
      ? conforms(notes.join('; '))
      : violates(
          'h2 selected when offered; h2c never selected; HTTP/1.1 without ALPN',
          [...problems, ...notes].join('; '),
        )
  },
})

const INVALID_PREFACE = 'PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n'

const cleartextPreface = defineCase({
  id: 'cleartext-preface',
  title:
    'On cleartext h2: the target’s first frame is SETTINGS and a GET is answered; an invalid preface closes the connection with nothing forwarded',
  requirements: ['H2-32'],
  spec: [
    { rfc: 9113, section: '3.4' },
    { rfc: 9113, section: '3.3' },
  ],
  requirement:
    'The server connection preface is a SETTINGS frame that MUST be the first frame; an invalid client preface MUST be a connection error.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  cleartextOnly: 'it speaks h2 by prior knowledge on the cleartext port (RFC 9113 §3.3)',
  // Grades RFC 9113 §3.4 "The server connection preface consists of a
  // potentially empty SETTINGS frame (Section 6.5) that MUST be the first
  // frame the server sends in the HTTP/2 connection" and "Clients and
  // servers MUST treat an invalid connection preface as a connection error
  // (Section 5.4.1) of type PROTOCOL_ERROR" (GOAWAY optional: "MAY omit
  // sending a GOAWAY frame"). A well-formed HTTP/1.1 request sent after the
  // invalid preface on the same connection must not reach the origin: a
  // target that goes on reading did not end the connection. HTTP/1.1 on the
  // same port (d) is INFO, noted.
  async run(ctx) {
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        connection.write(tokenAnswer(suffixOf(request), ctx.token))
      },
    })
    // (b) SETTINGS first, then the GET answered.
    const good = await ctx.h2()
    const first = await good.waitForFrame(() => true, {
      timeoutMs: Math.min(ctx.remainingMs(), 5000),
      what: "the target's first frame",
    })
    if (isTimeout(first) || !('frame' in first))
      return violates('SETTINGS as the first frame', 'no frame')
    if (first.frame.kind !== 'SETTINGS' || first.frame.ack)
      return violates('SETTINGS as the first frame', `${first.frame.kind} first`)
    const get = await good.request(h2Get(ctx, 'preface-ok'))
    const answered = await streamEnd(ctx, good, get, 'the GET after the preface')
    const wrong = carriesOwnToken(answered, 'preface-ok', ctx.token)
    if (wrong !== undefined) return violates('the GET answered', wrong)

    // (c) an invalid preface, then an HTTP/1.1 request on the same connection.
    const bad = await ctx.h2({ preface: false })
    const smuggled = originRequest(ctx, { suffix: 'after-invalid-preface' })
    await bad.connection.writeBytes(
      Buffer.concat([Buffer.from(INVALID_PREFACE, 'latin1'), smuggled]),
    )
    const sentAt = performance.now()
    const closed = await bad.waitForClose({ timeoutMs: Math.min(ctx.remainingMs(), 3000) })
    const goaway = bad.records.find((r) => r.dir === 'received' && r.frame.kind === 'GOAWAY')
    // Ordering: a later request on the good connection reaching the origin means the bad one's bytes, if any went, are there.
    const after = await good.request(h2Get(ctx, 'after'))
    await streamEnd(ctx, good, after, 'the request after the invalid preface')
    const forwarded = ctx.origin.requests().filter((r) => suffixOf(r) === 'after-invalid-preface')

    // (d) HTTP/1.1 on the same port: INFO.
    const h1 = await ctx.connect()
    await h1.write(originRequest(ctx, { suffix: 'h1-same-port' }))
    const read = await h1.readResponse({ timeoutMs: Math.min(ctx.remainingMs(), ctx.quietMs) })
    const h1Note =
      read.kind === 'response'
        ? `HTTP/1.1 on the same port answered ${read.message.head.version} ${read.message.head.status}`
        : `HTTP/1.1 on the same port: ${read.kind}`

    if (forwarded.length > 0)
      return violates(
        'an invalid preface ends the connection; nothing after it forwarded',
        'the HTTP/1.1 request sent after the invalid preface reached the origin',
      )
    if (isTimeout(closed))
      return violates(
        'the connection closed after an invalid preface (a connection error)',
        `still open ${Math.round(performance.now() - sentAt)} ms later${goaway === undefined ? '' : ' (after a GOAWAY)'}`,
      )
    const goawayNote =
      goaway?.frame.kind === 'GOAWAY'
        ? `GOAWAY(${errorCodeName(goaway.frame.errorCode)})`
        : 'no GOAWAY'
    return conforms(`invalid preface: ${goawayNote}, then ${closed.kind}; ${h1Note}`)
  },
})

export const streamCases: readonly CaseDefinition[] = [
  clientResetAbortsUpstream,
  responsesOnOwnStreams,
  enforcesStreamLimit,
  respectsFlowControl,
  alpnSelectsH2,
  cleartextPreface,
]
