// H2-11, H2-13 … H2-16 (responses toward the h2 client): an HTTP/1.1
// response from the harness origin, translated by the target into h2 frames.
// The frames the client received are the verdict; the origin's bytes say
// what the target was given.
//
// H2-12 and H2-15(c) need an h2 origin behind the target and are not here.
import { defineCase, type CaseDefinition } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import type { StreamResult } from '../../harness/h2/index.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginConnection, OriginRequest } from '../../harness/origin/types.js'
import { chunkedBody, responseBytes } from '../../harness/wire/serialize.js'
import { proxySentence } from '../support/proxy-sentence.js'
import {
  describeEnd,
  finalBlock,
  h2Get,
  interimBlocks,
  statusOf,
  streamEnd,
  streamEndWithin,
  streamSoFar,
  trailerBlocks,
  valuesOf,
} from './support/resp-kit.js'

/** The last path segment of an origin request (`/<token>/<suffix>` → suffix). */
function suffixOf(request: OriginRequest): string {
  const path = request.message.head.target.split('?')[0] ?? ''
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The first violation in `outcomes` (they come in the order they should be reported), else conforms. */
function firstProblem(outcomes: readonly Outcome[], note?: string): Outcome {
  return outcomes.find((o) => o.kind !== 'conforms') ?? conforms(note)
}

// --- H2-11 -----------------------------------------------------------------

/** RFC 9113 §8.2.2 (and RFC 9110 §7.6.1): never in an h2 message, whether Connection names them or not. */
const CONNECTION_SPECIFIC = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
] as const

const H2_11_BODY = 'h2-11 response body, intact'

function hopFieldsResponse(framing: 'chunked' | 'length'): Buffer {
  const fields: [string, string][] = [
    ['Connection', 'keep-alive, X-Hop'],
    ['X-Hop', '1'],
    ['Keep-Alive', 'timeout=5'],
    ['Proxy-Connection', 'keep-alive'],
    ['Upgrade', 'h2,h2c'],
    ['X-Mixed-Case', '1'],
  ]
  return framing === 'chunked'
    ? Buffer.concat([
        responseBytes({
          status: 200,
          headers: [...fields, ['Transfer-Encoding', 'chunked']],
        }),
        chunkedBody([H2_11_BODY.slice(0, 10), H2_11_BODY.slice(10)]),
      ])
    : responseBytes({
        status: 200,
        headers: [...fields, ['Content-Length', String(H2_11_BODY.length)]],
        body: H2_11_BODY,
      })
}

function judgeHopFields(run: string, result: StreamResult): Outcome {
  const head = finalBlock(result)
  if (head === undefined || result.end !== 'end-stream' || statusOf(head) !== '200') {
    return violates(`(${run}) a 200 ending with END_STREAM`, `(${run}) ${describeEnd(result)}`)
  }
  const names = head.fields.map((f) => f.name)
  const leaked = names.filter((n) =>
    [...CONNECTION_SPECIFIC, 'x-hop'].includes(n.toLowerCase() as never),
  )
  const upper = names.filter((n) => n !== n.toLowerCase())
  const problems: string[] = []
  if (leaked.length > 0)
    problems.push(`connection-specific fields reached the client: ${leaked.join(', ')}`)
  if (upper.length > 0) problems.push(`names not in lowercase: ${upper.join(', ')}`)
  if (result.data.toString('latin1') !== H2_11_BODY)
    problems.push(`body ${JSON.stringify(result.data.toString('latin1').slice(0, 80))}`)
  return problems.length === 0
    ? conforms()
    : violates(
        `(${run}) none of Connection, X-Hop, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade; lowercase names; the body intact`,
        `(${run}) ${problems.join('; ')}`,
      )
}

const stripsConnectionFields = defineCase({
  id: 'strips-connection-fields-from-responses',
  title:
    'An HTTP/1.1 response becomes h2 without connection-specific fields, with lowercase names (chunked and Content-Length)',
  requirements: ['H2-11'],
  spec: [
    { rfc: 9113, section: '8.2.2' },
    { rfc: 9113, section: '8.2' },
    { rfc: 9110, section: '7.6.1' },
  ],
  requirement:
    'An intermediary transforming an HTTP/1.x message to HTTP/2 MUST remove connection-specific header fields; field names MUST be converted to lowercase.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  // Grades RFC 9113 §8.2.2 "An intermediary transforming an HTTP/1.x message
  // to HTTP/2 MUST remove connection-specific header fields as discussed in
  // Section 7.6.1 of [HTTP], or their messages will be treated by other
  // HTTP/2 endpoints as malformed" and §8.2 "Field names MUST be converted to
  // lowercase when constructing an HTTP/2 message." §7.6.1 of RFC 9110 is
  // where X-Hop comes in: "Intermediaries MUST parse a received Connection
  // header field before a message is forwarded and, for each
  // connection-option in this field, remove any header or trailer field(s)
  // from the message with the same name as the connection-option, and then
  // remove the Connection header field itself". Several real fronts (nghttpx,
  // HAProxy 2.6, nginx 1.22) drop Connection itself but pass the field it
  // names: that is still this MUST, not a style choice, and the verdict says
  // which field leaked.
  async run(ctx) {
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        connection.write(hopFieldsResponse(suffixOf(request) === 'chunked' ? 'chunked' : 'length'))
      },
    })
    const client = await ctx.h2()
    const chunked = await client.request(h2Get(ctx, 'chunked'))
    const length = await client.request(h2Get(ctx, 'length'))
    const a = await streamEnd(ctx, client, chunked, 'the response to the chunked run')
    const b = await streamEnd(ctx, client, length, 'the response to the Content-Length run')
    return firstProblem([judgeHopFields('chunked', a), judgeHopFields('Content-Length', b)])
  },
})

// --- H2-13 -----------------------------------------------------------------

const UPLOAD_LENGTH = 40_000
/** Well inside every h2 server's initial windows (65 535), so the body never waits for credit. */
const UPLOAD_CHUNK = 10_000

const expectContinue = defineCase({
  id: 'expect-continue-without-deadlock',
  title:
    'A POST with expect: 100-continue and no DATA yet gets a :status 100 (from the origin or the target), then completes',
  requirements: ['H2-13'],
  spec: [
    { rfc: 9110, section: '10.1.1' },
    { rfc: 9110, section: '15.2' },
    { rfc: 9113, section: '8.1' },
  ],
  requirement:
    'A proxy MUST forward 1xx responses (it may send its own 100); it must not wait for a body the client holds back until a 100.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  timeoutMs: 10_000,
  // Grades RFC 9110 §15.2 "A proxy MUST forward 1xx responses unless the
  // proxy itself requested the generation of the 1xx response", and §10.1.1:
  // on a request with a 100-continue expectation whose content will follow,
  // a server "MUST send either: an immediate response with a final status
  // code ... or an immediate 100 (Continue) response" (a gateway is the
  // origin server of its inbound connection, RFC 9110 §3.7), while a proxy
  // forwards the header section at once or answers. One that holds the
  // header section until the body arrives, sending nothing, deadlocks a
  // client that waits for the 100. An interim response is a HEADERS frame
  // without END_STREAM (RFC 9113 §8.1).
  async run(ctx) {
    // The origin may read the whole message before its head's answer goes out
    // (a target that sent its own 100 forwards head and body together): the
    // 200 goes once both the connection and the message are known.
    let originConnection: OriginConnection | undefined
    let received: number | undefined
    const finalAnswer = (): void => {
      if (originConnection === undefined || received === undefined) return
      const text = `received ${received}`
      originConnection.write(
        responseBytes({
          status: 200,
          headers: [['Content-Length', String(text.length)]],
          body: text,
        }),
      )
    }
    ctx.origin.behave({
      kind: 'raw',
      on: 'head',
      respond(_request, connection) {
        originConnection = connection
        connection.write('HTTP/1.1 100 Continue\r\n\r\n')
        finalAnswer()
      },
      rest(message) {
        received = message.body.length
        finalAnswer()
      },
    })
    const client = await ctx.h2()
    const t0 = performance.now()
    const id = await client.request({
      ...h2Get(ctx, 'upload'),
      method: 'POST',
      fields: [{ name: 'expect', value: '100-continue' }],
      contentLength: UPLOAD_LENGTH,
      endStream: false,
    })
    const first = await client.waitForFrame(
      (r) =>
        r.frame.header.streamId === id &&
        (r.frame.kind === 'RST_STREAM' ||
          (r.block !== undefined && statusOf(r.block) !== undefined)),
      { timeoutMs: Math.min(ctx.remainingMs(), 4000), what: 'a :status 100 (or an answer)' },
    )
    const seen = ctx.origin.requests()
    if (isTimeout(first) || !('frame' in first)) {
      const headAt = seen[0]?.at
      if (headAt !== undefined) {
        // The origin had the head and wrote its 100: the target kept it from the client.
        return proxySentence(
          ctx,
          violates(
            "the origin's 100 relayed as HEADERS without END_STREAM",
            `the origin got the head ${Math.round(headAt - t0)} ms after the request and sent 100; the client got nothing`,
          ),
          'RFC 9110 §15.2 ("A proxy MUST forward 1xx responses")',
        )
      }
      return violates(
        'a :status 100 from the origin or the target while the client holds the body',
        'no 100 and no answer, and nothing reached the origin: the target waits for a body the client waits to send (deadlock)',
      )
    }
    const block = first.block
    const status = block === undefined ? undefined : statusOf(block)
    if (first.frame.kind === 'RST_STREAM' || status !== '100') {
      // A final answer instead of the 100 (417, a 5xx): no deadlock; nothing to grade here.
      const result = await streamEnd(ctx, client, id, 'the answer to the POST')
      return conforms(`the target answered at once without a 100: ${describeEnd(result)}`)
    }
    if (block?.endStream === true) {
      return violates(
        ':status 100 in HEADERS without END_STREAM (RFC 9113 §8.1)',
        'the 100 carried END_STREAM',
      )
    }
    const body = Buffer.alloc(UPLOAD_LENGTH, 0x61)
    await client.connection.sendData(id, body, { chunks: UPLOAD_CHUNK, endStream: true })
    const result = await streamEnd(ctx, client, id, 'the final response after the body')
    const expected = `received ${UPLOAD_LENGTH}`
    if (result.status !== '200' || result.data.toString('latin1') !== expected) {
      return violates(`the origin's 200 "${expected}" after the body`, describeEnd(result))
    }
    const headAt = seen[0]?.at ?? ctx.origin.requests()[0]?.at
    return conforms(
      headAt === undefined
        ? undefined
        : `the origin had the head ${Math.round(headAt - t0)} ms after the request (lag ${Math.round(ctx.lagSince(t0))} ms)`,
    )
  },
})

const EARLY_BODY = 'final after early hints'
const AFTER_101 = 'RAW-BYTES-AFTER-101'

const interimResponses = defineCase({
  id: 'relays-interim-responses',
  title:
    'Two 103 reach the h2 client as HEADERS without END_STREAM before the 200; a 101 to an ordinary GET is never relayed',
  requirements: ['H2-13'],
  spec: [
    { rfc: 9110, section: '15.2' },
    { rfc: 9113, section: '8.1' },
    { rfc: 9113, section: '8.6' },
  ],
  requirement:
    'A proxy MUST forward 1xx responses; an interim response is HEADERS without END_STREAM; HTTP/2 has no 101.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  timeoutMs: 15_000,
  // Grades RFC 9113 §8.1 "A HEADERS frame with the END_STREAM flag set that
  // carries an informational status code is malformed", §8.6 "HTTP/2 removes
  // support for the 101 (Switching Protocols) informational status code",
  // the final response never lost, and RFC 9110 §15.2 "A proxy MUST forward
  // 1xx responses": a dropped 103 is reported apart (a proxy sentence; INFO
  // for a gateway, which is not a proxy). The 101 part warns: §8.6 carries
  // no keyword, and no sentence binds a gateway to answer an origin's
  // unasked-for 101 (itself a breach of RFC 9110 §7.8) with a 502 or a reset;
  // a 101 relayed, its bytes as DATA, or a success the origin never sent
  // (Caddy's empty 200) are graded SHOULD. A stream that never ends is a lost
  // response and stays a failure.
  async run(ctx) {
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        if (suffixOf(request) === 'switch') {
          connection.write(
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n${AFTER_101}`,
          )
          connection.end()
          return
        }
        const hint = (href: string): Buffer =>
          responseBytes({ status: 103, headers: [['Link', `<${href}>; rel=preload; as=style`]] })
        connection.write(
          Buffer.concat([
            hint('/a.css'),
            hint('/b.css'),
            responseBytes({
              status: 200,
              headers: [['Content-Length', String(EARLY_BODY.length)]],
              body: EARLY_BODY,
            }),
          ]),
        )
      },
    })
    const client = await ctx.h2()
    const hintsId = await client.request(h2Get(ctx, 'hints'))
    const switchId = await client.request(h2Get(ctx, 'switch'))
    const BOUND_MS = 3000
    const hintsSoFar = await streamSoFar(ctx, client, hintsId, BOUND_MS)
    const switchSoFar = await streamSoFar(ctx, client, switchId, BOUND_MS)
    const hints = hintsSoFar.result
    const switched = switchSoFar.result

    const outcomes: Outcome[] = []
    if (!hintsSoFar.ended)
      outcomes.push(
        violates(
          '(103) the final 200 after the two 103',
          `(103) no end within ${BOUND_MS} ms after blocks [${hints.blocks.map((b) => statusOf(b) ?? 'trailers').join(', ')}] and ${hints.data.length} DATA bytes (the final response is lost; a 103 taken as final?)`,
        ),
      )
    // (c) never a 101, never the bytes after it.
    const statuses101 = switched.blocks.filter((b) => statusOf(b) === '101')
    if (!switchSoFar.ended && statuses101.length === 0) {
      outcomes.push(violates('(101) a 5xx or RST_STREAM', `(101) no end within ${BOUND_MS} ms`))
    } else if (statuses101.length > 0 || switched.data.includes(AFTER_101)) {
      outcomes.push(
        violates(
          '(101) a 5xx or RST_STREAM, never :status 101, never the bytes after it as DATA',
          `(101) ${describeEnd(switched)}${switched.data.includes(AFTER_101) ? ' (the raw bytes came as DATA)' : ''}`,
          'SHOULD',
        ),
      )
    } else if (switched.end !== 'reset' && switched.status?.startsWith('5') !== true) {
      outcomes.push(
        violates('(101) a 5xx or RST_STREAM', `(101) ${describeEnd(switched)}`, 'SHOULD'),
      )
    }
    // (b) interim HEADERS without END_STREAM, then the final response.
    const interim = interimBlocks(hints)
    if (interim.some((b) => b.endStream)) {
      outcomes.push(
        violates(
          '(103) interim HEADERS without END_STREAM',
          `(103) a 1xx carried END_STREAM: ${describeEnd(hints)}`,
        ),
      )
    }
    if (
      hintsSoFar.ended &&
      (hints.status !== '200' ||
        hints.data.toString('latin1') !== EARLY_BODY ||
        hints.end !== 'end-stream')
    ) {
      outcomes.push(violates(`(103) the final 200 "${EARLY_BODY}"`, `(103) ${describeEnd(hints)}`))
    }
    const hints103 = interim.filter((b) => statusOf(b) === '103')
    if (hints103.length !== 2) {
      outcomes.push(
        proxySentence(
          ctx,
          violates(
            '(103) two 103 HEADERS before the 200',
            `(103) ${hints103.length} 103 block(s) (dropped Early Hints)`,
          ),
          'RFC 9110 §15.2 ("A proxy MUST forward 1xx responses")',
        ),
      )
    }
    // The MUST failures first, a gateway's dropped 103 (INFO) last.
    const ordered = [
      ...outcomes.filter((o) => o.kind === 'violates' && o.level === undefined),
      ...outcomes.filter((o) => !(o.kind === 'violates' && o.level === undefined)),
    ]
    return firstProblem(ordered, `101 answered with ${describeEnd(switched)}`)
  },
})

// --- H2-14 -----------------------------------------------------------------

/** The four answers: HEAD a (Content-Length 100, no body), 204 b, 304 c (chunked), d with its body. */
function bodilessAnswer(request: OriginRequest, token: string): Buffer {
  switch (suffixOf(request)) {
    case 'a':
      // An honest server: no body for HEAD; a GET (a target that turned HEAD into GET) gets its 100 bytes.
      return responseBytes({
        status: 200,
        headers: [['Content-Length', '100']],
        ...(request.message.head.method === 'HEAD' ? {} : { body: 'x'.repeat(100) }),
      })
    case 'b':
      return responseBytes({ status: 204, headers: [['Content-Length', '10']] })
    case 'c':
      return responseBytes({
        status: 304,
        headers: [
          ['Transfer-Encoding', 'chunked'],
          ['ETag', '"c"'],
        ],
      })
    default:
      return responseBytes({
        status: 200,
        headers: [['Content-Length', String(`d:${token}`.length)]],
        body: `d:${token}`,
      })
  }
}

/** performance.now() of the last frame of the stream (its end). */
function endedAt(result: StreamResult): number | undefined {
  return result.frames.at(-1)?.at
}

const bodilessResponses = defineCase({
  id: 'bodiless-responses-end-at-once',
  title:
    'Responses to HEAD, and 204 and 304 responses, reach the h2 client with no DATA bytes and end at once; the next stream keeps its own body',
  requirements: ['H2-14'],
  spec: [
    { rfc: 9110, section: '6.4.1' },
    { rfc: 9110, section: '9.3.2' },
    { rfc: 9113, section: '8.1' },
    { rfc: 9113, section: '8.1.1' },
  ],
  requirement:
    'A response to HEAD, and a 204 or 304, has no content: END_STREAM on its HEADERS (or an empty DATA), never DATA bytes, without waiting.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  timeoutMs: 10_000,
  // Grades RFC 9110 §6.4.1 "All 1xx (Informational), 204 (No Content), and
  // 304 (Not Modified) responses do not include content" and "a response to
  // a HEAD request ... never includes content", carried into h2 by RFC 9113
  // §8.1.1 ("A response that is defined to have no content ... can have a
  // non-zero content-length header field, even though no content is included
  // in DATA frames"): DATA bytes, or a stream left open waiting for them,
  // break it.
  async run(ctx) {
    const answeredAt = new Map<string, number>()
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        answeredAt.set(suffixOf(request), performance.now())
        connection.write(bodilessAnswer(request, ctx.token))
      },
    })
    const client = await ctx.h2()
    const ids = {
      a: await client.request({ ...h2Get(ctx, 'a'), method: 'HEAD' }),
      b: await client.request(h2Get(ctx, 'b')),
      c: await client.request(h2Get(ctx, 'c')),
      d: await client.request(h2Get(ctx, 'd')),
    }
    const BOUND_MS = 1000
    const problems: string[] = []
    const notes: string[] = []
    for (const [name, what] of [
      ['a', 'HEAD'],
      ['b', '204'],
      ['c', '304'],
    ] as const) {
      const result = await streamEndWithin(ctx, client, ids[name], 3 * BOUND_MS)
      const sent = answeredAt.get(name)
      if (result === undefined) {
        problems.push(
          `${what}: the stream did not end within ${3 * BOUND_MS} ms${sent === undefined ? ' (the origin never got it)' : " of the origin's answer"}`,
        )
        continue
      }
      if (name === 'b' && result.status?.startsWith('5') === true) {
        // The origin's 204 carried Content-Length, which RFC 9110 §8.6 forbids: refusing it is correct.
        notes.push(`204 with Content-Length refused: ${describeEnd(result)}`)
        continue
      }
      if (result.data.length > 0) problems.push(`${what}: ${result.data.length} DATA bytes`)
      if (result.end !== 'end-stream') problems.push(`${what}: ${describeEnd(result)}`)
      const end = endedAt(result)
      if (sent !== undefined && end !== undefined && end - sent > BOUND_MS + ctx.lagSince(sent)) {
        problems.push(
          `${what}: ended ${Math.round(end - sent)} ms after the origin answered (lag ${Math.round(ctx.lagSince(sent))} ms)`,
        )
      }
    }
    const d = await streamEnd(ctx, client, ids.d, 'the response to /d')
    if (d.status !== '200' || d.data.toString('latin1') !== `d:${ctx.token}`)
      problems.push(
        `/d: ${describeEnd(d)}, body ${JSON.stringify(d.data.toString('latin1').slice(0, 60))}`,
      )
    return problems.length === 0
      ? conforms(notes.length === 0 ? undefined : notes.join('; '))
      : violates(
          'HEAD, 204 and 304 end within 1 s with no DATA bytes; /d gets its own body',
          problems.join('; '),
        )
  },
})

// --- H2-15 -----------------------------------------------------------------

const TRUNCATED_SENT = 50_000

const truncatedResponses = defineCase({
  id: 'truncated-response-is-reset',
  title:
    'An upstream response cut short (Content-Length not reached, no last chunk) ends in RST_STREAM, never END_STREAM; a close-delimited one ends with END_STREAM',
  requirements: ['H2-15'],
  spec: [
    { rfc: 9112, section: '8' },
    { rfc: 9110, section: '6.1' },
    { rfc: 9113, section: '8.1' },
    { rfc: 9113, section: '6.4' },
  ],
  requirement:
    'An incomplete response is never presented as complete: the client stream is reset, not ended with END_STREAM.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  // Grades the derived MUST of the row (as KA-09): RFC 9112 §8 "A message
  // body that uses the chunked transfer coding is incomplete if the zero-sized
  // chunk that terminates the encoding has not been received. A message that
  // uses a valid Content-Length is incomplete if the size of the message body
  // received (in octets) is less than the value given by Content-Length",
  // and RFC 9113 §8.1: END_STREAM marks the last frame of a complete message,
  // so an incomplete one ends with RST_STREAM (§6.4). A close-delimited body
  // is complete at the close (RFC 9112 §6.3). HAProxy 2.6 and Caddy 2.6 end
  // both truncated bodies with END_STREAM: the h2 client then holds a short
  // body it cannot tell from a whole one (the chunked run carries no
  // content-length to compare), which is exactly what the row forbids.
  async run(ctx) {
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        const filler = Buffer.alloc(TRUNCATED_SENT, 0x62)
        switch (suffixOf(request)) {
          case 'length':
            connection.write(
              Buffer.concat([
                responseBytes({ status: 200, headers: [['Content-Length', '100000']] }),
                filler,
              ]),
            )
            break
          case 'chunked':
            connection.write(
              Buffer.concat([
                responseBytes({ status: 200, headers: [['Transfer-Encoding', 'chunked']] }),
                Buffer.from('3e8\r\n', 'latin1'),
                filler.subarray(0, 1000),
                Buffer.from('\r\n3e8\r\n', 'latin1'),
                filler.subarray(0, 1000),
                Buffer.from('\r\n', 'latin1'),
              ]),
            )
            break
          default:
            connection.write(
              Buffer.concat([
                responseBytes({ status: 200, headers: [['Connection', 'close']] }),
                filler,
              ]),
            )
        }
        connection.end()
      },
    })
    const client = await ctx.h2()
    const ids = {
      length: await client.request(h2Get(ctx, 'length')),
      chunked: await client.request(h2Get(ctx, 'chunked')),
      close: await client.request(h2Get(ctx, 'close')),
    }
    const problems: string[] = []
    const notes: string[] = []
    for (const [name, what] of [
      ['length', 'Content-Length 100000, 50000 bytes, FIN'],
      ['chunked', 'two chunks, FIN without the last chunk'],
    ] as const) {
      const result = await streamEnd(
        ctx,
        client,
        ids[name],
        `the end of the truncated response (${what})`,
      )
      if (result.end === 'end-stream') {
        // A complete error response (the target saw the cut before it answered) is no truncated body.
        if (result.status?.startsWith('5') === true) notes.push(`${what}: ${describeEnd(result)}`)
        else problems.push(`${what}: ${describeEnd(result)}`)
      } else if (result.end !== 'reset') {
        notes.push(`${what}: ${describeEnd(result)} (not presented as complete)`)
      }
    }
    const close = await streamEnd(ctx, client, ids.close, 'the end of the close-delimited response')
    if (
      close.end !== 'end-stream' ||
      close.status !== '200' ||
      close.data.length !== TRUNCATED_SENT
    ) {
      problems.push(
        `close-delimited (no Content-Length, no chunked, 50000 bytes, FIN), complete at the close: ${describeEnd(close)}`,
      )
    }
    return problems.length === 0
      ? conforms(notes.length === 0 ? undefined : notes.join('; '))
      : violates(
          'the two truncated responses end in RST_STREAM (never END_STREAM); the close-delimited one ends with END_STREAM after its 50000 bytes',
          problems.join('; '),
        )
  },
})

// --- H2-16 -----------------------------------------------------------------

const REQUEST_BODY = 'request body with a trailer'
const RESPONSE_BODY = 'response body'

const trailersStayTrailers = defineCase({
  id: 'trailers-stay-trailers',
  title:
    'Trailers cross between h2 and HTTP/1.1 as trailers or not at all, never inside the header section',
  requirements: ['H2-16'],
  spec: [
    { rfc: 9110, section: '6.5' },
    { rfc: 9110, section: '6.5.1' },
    { rfc: 9112, section: '7.1.2' },
    { rfc: 9113, section: '8.1' },
  ],
  requirement:
    'A recipient MUST NOT merge a received trailer field into the header section unless its definition permits it; it MAY discard trailers.',
  level: 'MUST',
  roles: ['reverse', 'forward'],
  front: 'h2',
  // Grades RFC 9112 §7.1.2 "A recipient MUST NOT merge a received trailer
  // field into the header section unless its corresponding header field
  // definition explicitly permits and instructs how the trailer field value
  // can be safely merged" (also RFC 9110 §6.5.1), and RFC 9113 §8.1: a
  // trailer section is a last HEADERS with END_STREAM and no pseudo-header
  // fields. Dropping trailers is allowed (RFC 9110 §6.5.1 "MAY discard"):
  // INFO, since the client asked for them (te: trailers).
  async run(ctx) {
    ctx.origin.behave({
      kind: 'raw',
      respond(request, connection) {
        if (suffixOf(request) === 'request-trailers') {
          connection.write(
            responseBytes({ status: 200, headers: [['Content-Length', '2']], body: 'ok' }),
          )
          return
        }
        connection.write(
          Buffer.concat([
            responseBytes({
              status: 200,
              headers: [
                ['Transfer-Encoding', 'chunked'],
                ['Trailer', 'grpc-status'],
              ],
            }),
            chunkedBody(
              [RESPONSE_BODY],
              [
                ['grpc-status', '0'],
                ['content-length', '0'],
                ['set-cookie', 't=1'],
              ],
            ),
          ]),
        )
      },
    })
    // Two connections: a target that refuses request trailers with a connection error does not take (b) down with it.
    const client = await ctx.h2()
    const second = await ctx.h2()
    const post = await client.request({
      ...h2Get(ctx, 'request-trailers'),
      method: 'POST',
      fields: [{ name: 'te', value: 'trailers' }],
      body: REQUEST_BODY,
      trailers: [{ name: 'x-sum', value: 'abc' }],
    })
    const get = await second.request({
      ...h2Get(ctx, 'response-trailers'),
      fields: [{ name: 'te', value: 'trailers' }],
    })
    const posted = await streamEnd(ctx, client, post, 'the answer to the POST with trailers')
    const got = await streamEnd(ctx, second, get, 'the response with trailers')

    const problems: string[] = []
    const dropped: string[] = []
    // (a) request trailers at the origin.
    const seen = ctx.origin.requests().find((r) => suffixOf(r) === 'request-trailers')
    if (seen === undefined) {
      // Refused whole (a reset, a connection error): nothing merged, nothing forwarded.
      dropped.push(
        `(a) the POST with trailers was refused, nothing forwarded: ${describeEnd(posted)}`,
      )
    } else {
      const inHead = seen.message.head.headers.filter((f) => f.name.toLowerCase() === 'x-sum')
      const inTrailers = seen.message.trailers.filter((f) => f.name.toLowerCase() === 'x-sum')
      if (inHead.length > 0)
        problems.push(`(a) the request trailer x-sum reached the origin in the header section`)
      else if (inTrailers.length === 0) dropped.push('(a) the request trailer x-sum was dropped')
      if (seen.message.body.toString('latin1') !== REQUEST_BODY)
        problems.push(
          `(a) the origin got the body ${JSON.stringify(seen.message.body.toString('latin1'))}`,
        )
    }
    // (b) response trailers at the client.
    const head = finalBlock(got)
    const merged = ['grpc-status', 'set-cookie', 'content-length'].filter((n) =>
      valuesOf(head, n).some((v) =>
        n === 'set-cookie' ? v === 't=1' : n === 'content-length' ? v === '0' : true,
      ),
    )
    if (
      got.status !== '200' ||
      got.end !== 'end-stream' ||
      got.data.toString('latin1') !== RESPONSE_BODY
    ) {
      problems.push(`(b) ${describeEnd(got)}`)
    }
    if (merged.length > 0)
      problems.push(`(b) trailer fields in the response's header section: ${merged.join(', ')}`)
    const trailers = trailerBlocks(got)
    for (const t of trailers) {
      const pseudo = t.fields.filter((f) => f.name.startsWith(':'))
      if (pseudo.length > 0)
        problems.push(
          `(b) pseudo-header fields in the trailer section: ${pseudo.map((f) => f.name).join(', ')}`,
        )
      if (!t.endStream) problems.push('(b) a trailing HEADERS without END_STREAM')
    }
    if (!trailers.some((t) => valuesOf(t, 'grpc-status').length > 0) && merged.length === 0)
      dropped.push('(b) the response trailer grpc-status was dropped')
    if (problems.length > 0)
      return violates(
        'trailers as trailers (a chunked trailer section at the origin, a trailing HEADERS at the client) or not at all',
        problems.join('; '),
      )
    if (dropped.length > 0)
      return violates(
        'the trailers the client asked for (te: trailers) carried as trailers',
        `${dropped.join('; ')} (allowed: RFC 9110 §6.5.1, a recipient MAY discard them)`,
        'INFO',
      )
    return conforms()
  },
})

export const responseCases: readonly CaseDefinition[] = [
  stripsConnectionFields,
  expectContinue,
  interimResponses,
  bodilessResponses,
  truncatedResponses,
  trailersStayTrailers,
]
