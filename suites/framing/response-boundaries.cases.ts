// RFC 9112 §6.3 rule 1 and its final paragraph: where a response ends. HEAD,
// 204 and 304 responses end at their empty line whatever their fields say,
// and bytes an upstream sends after a complete response are not a response.
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  endCase,
  outcomeOf,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import type { RawClient, ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { provenance } from '../support/provenance.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import {
  arrivals,
  bodyText,
  describeArrivals,
  rawBySuffix,
  serverErrorStatus,
  upstreamRefusal,
  worstOf,
  type VariantResult,
} from './probe.js'

/** The catalog's bound for a conformant answer here (a proxy waiting for a body never gets one). */
const WITHIN_MS = 2000

const next = (suffix: string): Buffer =>
  Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${suffix.length}\r\n\r\n${suffix}`)

/** Reads the bodiless response and then the one after it, which must be intact (or a clean close). */
async function bodilessThenNext(
  ctx: CaseContext,
  client: RawClient,
  first: {
    readonly label: string
    /** The path suffix of its request (what the origin answered it with is looked up by it). */
    readonly suffix: string
    readonly status: number
    readonly method: string
    /** The harness sent what RFC 9110 forbids a server to send: a 5xx refusal is correct too. */
    readonly refusable?: boolean
  },
  second: string,
): Promise<Outcome> {
  const firstResult = await client.readResponse({
    requestMethod: first.method,
    timeoutMs: WITHIN_MS,
  })
  const refused = first.refusable === true ? serverErrorStatus(firstResult) : undefined
  if (refused === undefined) {
    const a = responseOf(firstResult, `the ${first.label} within ${WITHIN_MS} ms`)
    if (a.head.status !== first.status || a.body.length > 0) {
      return violates(
        `the ${first.label}, with no body`,
        `${statusLine(a)}, ${a.body.length} body bytes`,
      )
    }
  }
  const relayedFirst =
    refused === undefined
      ? `${provenance(firstResult, arrivals(ctx, first.suffix))}, without a body`
      : undefined
  if (firstResult.kind !== 'response')
    return upstreamRefusal(
      refused ?? 502,
      `the origin's ${first.label}`,
      arrivals(ctx, first.suffix),
    )
  const after = await client.readResponse({ timeoutMs: WITHIN_MS })
  // A close with not one byte after the bodiless head is allowed (RFC 9112 §9.5: either side
  // may close at any time; the client retries the unanswered request). Only bytes after the
  // head read as its body, or a wait for one, are the framing bug.
  const done = (): Outcome =>
    refused === undefined
      ? conforms(relayedFirst)
      : upstreamRefusal(refused, `the origin's ${first.label}`, arrivals(ctx, first.suffix))
  if (after.kind === 'closed' && after.partial.length === 0) return done()
  const b = responseOf(after, `the response after the ${first.label}, intact (or a close)`)
  if (b.head.status !== 200 || bodyText(b) !== second) {
    return violates(
      `200 with the body "${second}" after the ${first.label}`,
      `${statusLine(b)}, body ${JSON.stringify(bodyText(b).slice(0, 80))}`,
    )
  }
  return done()
}

export const responseBoundaryCases = [
  defineCase({
    id: 'head-response-ends-at-headers',
    title:
      'A response to HEAD with Content-Length: 100 ends at its empty line, and the pipelined GET after it is answered intact',
    requirements: ['SMUG-11'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9110, section: '9.3.2' },
    ],
    requirement:
      'Any response to a HEAD request ends at the empty line after its header section, whatever Content-Length or Transfer-Encoding say.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave(
        rawBySuffix(ctx, {
          'head-': Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'),
          'after-': next('after-'),
        }),
      )
      const client = await ctx.connect()
      await client.write(
        Buffer.concat([
          originRequest(ctx, { method: 'HEAD', suffix: 'head-' }),
          originRequest(ctx, { suffix: 'after-' }),
        ]),
      )
      const outcome = await bodilessThenNext(
        ctx,
        client,
        { label: 'response to HEAD', suffix: 'head-', status: 200, method: 'HEAD' },
        'after-',
      )
      return outcome
    },
  }),

  defineCase({
    id: '204-and-304-end-at-headers',
    title:
      'A 204 with Content-Length (or a 5xx refusing it) and a 304 with Transfer-Encoding end at their empty line, and the next response is intact',
    requirements: ['SMUG-11'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9110, section: '8.6' },
    ],
    requirement:
      'Any 1xx, 204 or 304 response ends at the empty line after its header section; it cannot contain content.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave(
        rawBySuffix(ctx, {
          'no-content-': Buffer.from('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n'),
          'not-modified-': Buffer.from(
            'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n',
          ),
          'after-204-': next('after-204-'),
          'after-304-': next('after-304-'),
        }),
      )
      const results: VariantResult[] = []
      for (const [status, suffix] of [
        [204, 'no-content-'],
        [304, 'not-modified-'],
      ] as const) {
        const client = await ctx.connect()
        await client.write(
          Buffer.concat([
            originRequest(ctx, { suffix }),
            originRequest(ctx, { suffix: `after-${status}-` }),
          ]),
        )
        // RFC 9110 §8.6: "A server MUST NOT send a Content-Length header field in any response
        // with a status code of 1xx (Informational) or 204 (No Content)", so the 204 is a message
        // a proxy may refuse. RFC 9112 §6.1 lets a server send Transfer-Encoding in a 304 to a
        // GET: that one is valid and must be relayed.
        const label =
          status === 204 ? '204 with Content-Length: 10' : '304 with Transfer-Encoding: chunked'
        // Each status is graded whatever the other found: its end is its own.
        const outcome = await outcomeOf(
          bodilessThenNext(
            ctx,
            client,
            { label, suffix, status, method: 'GET', refusable: status === 204 },
            `after-${status}-`,
          ),
        )
        results.push({ label, outcome })
      }
      return worstOf(results)
    },
  }),

  // RFC 9112 §6.3 binds a client, so a gateway too as the client of its origin
  // (RFC 9110 §3.7): "A client MUST NOT process, cache, or forward such extra
  // data as a separate response".
  defineCase({
    id: 'no-response-after-the-response',
    title:
      'Bytes an upstream sends after a complete response are never served as the response to the next request',
    requirements: ['SMUG-12'],
    spec: [{ rfc: 9112, section: '6.3' }],
    requirement:
      'A user agent or intermediary MUST NOT treat data an upstream sends after a complete response as a separate response (nor cache it).',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await afterTheResponse(ctx)
      return conforms(`the second request went on ${seen.conn}`)
    },
  }),

  // INFO since issue 10: the catalog's SMUG-12 "P should drop that upstream
  // connection" has no BCP 14 sentence behind it. RFC 9112 §6.3 only lets a
  // user agent discard the extra data ("MAY discard the remaining data") and
  // forbids forwarding it ("A client MUST NOT process, cache, or forward such
  // extra data as a separate response"), which framing/no-response-after-the-response
  // grades at MUST in every role. Reusing the connection without serving the
  // extra bytes is reported, never failed or warned.
  defineCase({
    id: 'drops-upstream-after-extra-bytes',
    title:
      'An upstream connection that sent bytes after a complete response is not used for the next request',
    requirements: ['SMUG-12'],
    spec: [{ rfc: 9112, section: '6.3' }],
    requirement:
      'A proxy that receives data after a complete response may discard it (RFC 9112 §6.3 MAY); whether it drops that upstream connection rather than reuse it is reported (no sentence requires it).',
    level: 'INFO',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await afterTheResponse(ctx)
      if (seen.conn === seen.firstConn) {
        return violates(
          `the second request on a new origin connection, not ${seen.firstConn}`,
          `it was request ${seen.connSeq} on ${seen.conn}, the connection that had sent "EVIL"`,
        )
      }
      return conforms(`${seen.firstConn} dropped; the second request went on ${seen.conn}`)
    },
  }),
]

/** Where the second request went (the case ends when its answer was not the origin's). */
interface AfterTheResponse {
  readonly firstConn: string
  readonly conn: string
  readonly connSeq: number
}

/**
 * The origin answers the first request with "HELLO" and, straight after it in
 * the same write, a second response "EVIL"; then the client asks again.
 */
async function afterTheResponse(ctx: CaseContext): Promise<AfterTheResponse> {
  ctx.origin.behave(
    rawBySuffix(ctx, {
      'first-': Buffer.from(
        'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHELLOHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL',
      ),
      'second-': next('second-'),
    }),
  )
  const client = await ctx.connect()
  await client.write(originRequest(ctx, { suffix: 'first-' }))
  const a = responseOf(await client.readResponse(), 'the first response, "HELLO"')
  if (bodyText(a) !== 'HELLO') {
    const outcome = violates(
      'the first response with the body "HELLO"',
      `${statusLine(a)}, body ${JSON.stringify(bodyText(a))}`,
    )
    return endCase(outcome)
  }
  const b = responseOf(await secondExchange(ctx, client), 'the origin answer to the second request')
  const [arrived] = arrivals(ctx, 'second-')
  const [first] = arrivals(ctx, 'first-')
  if (bodyText(b) !== 'second-' || arrived === undefined || first === undefined) {
    const outcome = violates(
      'the second response from a real exchange with the origin ("second-"), never "EVIL"',
      `${statusLine(b)}, body ${JSON.stringify(bodyText(b))}; second request at the origin: ${describeArrivals(arrivals(ctx, 'second-'))}`,
    )
    return endCase(outcome)
  }
  return { firstConn: first.conn, conn: arrived.conn, connSeq: arrived.connSeq }
}

/**
 * The second request: on the same client connection, or on a new one when the
 * target closed that one (closing is allowed; the upstream side is what counts).
 */
async function secondExchange(ctx: CaseContext, client: RawClient): Promise<ReadResponseResult> {
  const request = originRequest(ctx, { suffix: 'second-' })
  if (client.peerState === 'open') {
    await client.write(request)
    const result = await client.readResponse()
    if (result.kind !== 'closed' || result.partial.length > 0) return result
  }
  const fresh = await ctx.connect()
  await fresh.write(request)
  return fresh.readResponse()
}
