// RFC 9112 §7.1, §7.1.1: chunked decoding is strict. Sizes are hex digits
// only and must not overflow, chunk data ends in CRLF exactly where its size
// says, and unknown chunk extensions are ignored, not refused.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { originSide, provenance } from '../support/provenance.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import {
  arrivals,
  bodyText,
  describeArrivals,
  describeResult,
  allVariants,
  serverErrorStatus,
  upstreamRefusal,
  worstOf,
  type VariantResult,
  rawBySuffix,
  type RefusalProbe,
} from './probe.js'

/** Bad chunked bodies, each meant to carry "hello". */
const BAD_CHUNKS: Readonly<Record<string, string>> = {
  'overflow-': 'FFFFFFFFFFFFFFFF1\r\nhello\r\n0\r\n\r\n',
  'hex-prefix-': '0x5\r\nhello\r\n0\r\n\r\n',
  'too-long-': '5\r\nhello!\r\n0\r\n\r\n',
}

const chunkedPost = (ctx: CaseContext, suffix: string, body: string): Buffer =>
  originRequest(ctx, {
    method: 'POST',
    suffix,
    headers: [['Transfer-Encoding', 'chunked']],
    body,
  })

const chunkedResponse = (body: string): Buffer =>
  Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`, 'latin1')

export const chunkedCases = [
  defineCase({
    id: 'invalid-request-chunks-rejected',
    title:
      'A chunked request with an overflowing or non-hex size, or data longer than its size, is refused (400, 413, or a close) and never completes upstream',
    requirements: ['SMUG-10'],
    spec: [{ rfc: 9112, section: '7.1' }],
    requirement:
      'chunk-size is 1*HEXDIG, a recipient MUST guard against overflow, and chunk data is followed by CRLF; a body that breaks this framing is rejected, not resynchronised.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // RFC 9112 §7.1: "recipients MUST anticipate potentially large hexadecimal numerals and
      // prevent parsing errors due to integer conversion overflows or precision loss due to
      // integer representation." That MUST is about catching the overflow, and no sentence of
      // §7.1 or §6.3 names the status for a broken chunked request body: 400 (or 413 for the
      // overflow, RFC 9110 §15.5.14) is what one expects, but a reset or close with nothing
      // forwarded is just as safe and conforms. Forwarding it complete is the failure.
      const probes: RefusalProbe[] = Object.entries(BAD_CHUNKS).map(([suffix, body]) => ({
        label: JSON.stringify(body),
        suffix,
        bytes: chunkedPost(ctx, suffix, body),
        statuses: suffix === 'overflow-' ? [400, 413] : [400],
      }))
      // LF-only chunk lines: refused, or re-framed cleanly (the body still "hello").
      probes.push({
        label: JSON.stringify('5\nhello\n0\n\n'),
        suffix: 'lf-only-',
        bytes: chunkedPost(ctx, 'lf-only-', '5\nhello\n0\n\n'),
        forwarded: {
          allowed: 'the body "hello" re-framed with CRLF',
          check(arrived) {
            const [first] = arrived
            if (arrived.length !== 1 || first === undefined)
              return `${arrived.length} requests arrived`
            if (first.message.anomalies.some((a) => a.code === 'bare-lf'))
              return 'a bare LF arrived'
            return first.message.body.toString('latin1') === 'hello'
              ? undefined
              : 'the body differs'
          },
        },
      })
      return allVariants(ctx, probes)
    },
  }),

  defineCase({
    id: 'chunk-extensions-ignored',
    title:
      'An unknown chunk extension is ignored: the request body reaches the origin and the response body the client',
    requirements: ['SMUG-10'],
    spec: [{ rfc: 9112, section: '7.1.1' }],
    requirement: 'A recipient MUST ignore unrecognised chunk extensions.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const body = '5;ext=1\r\nhello\r\n0\r\n\r\n'
      ctx.origin.behave(
        rawBySuffix(ctx, {
          'req-': Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
          'res-': chunkedResponse(body),
        }),
      )
      const client = await ctx.connect()
      await client.write(chunkedPost(ctx, 'req-', body))
      const read = responseOf(await client.readResponse(), 'the origin response to the request')
      const [arrived] = arrivals(ctx, 'req-').filter((r) => r.message.complete)
      if (read.head.status !== 200 || arrived?.message.body.toString('latin1') !== 'hello') {
        return violates(
          'the request with "5;ext=1" forwarded, body "hello", and the origin answer relayed',
          `${provenance({ kind: 'response', message: read, interim: [] }, arrivals(ctx, 'req-'))}; ${describeArrivals(arrivals(ctx, 'req-'))}`,
        )
      }
      const again = await ctx.connect()
      await again.write(originRequest(ctx, { suffix: 'res-' }))
      const response = responseOf(await again.readResponse(), 'the chunked response with "5;ext=1"')
      if (!response.complete || bodyText(response) !== 'hello') {
        return violates(
          'the response body "hello" whole',
          `${describeResult({ kind: 'response', message: response, interim: [] })}, body ${JSON.stringify(bodyText(response))}`,
        )
      }
      return conforms()
    },
  }),

  // Only relaying the broken response as complete fails, and that binds a
  // gateway too, as the client of its origin (RFC 9110 §3.7): RFC 9112 §8 "A
  // client that receives an incomplete response message, which can occur when
  // ... decoding a supposedly chunked transfer coding fails, MUST record the
  // message as incomplete"; which 5xx is INFO (upstreamRefusal).
  defineCase({
    id: 'invalid-response-chunks-not-relayed',
    title:
      'A chunked response with broken chunk framing becomes a 502, or is cut off with the connection: never relayed as complete',
    requirements: ['SMUG-10'],
    spec: [
      { rfc: 9112, section: '7.1' },
      { rfc: 9112, section: '6.3' },
    ],
    requirement:
      'A response whose chunked framing is invalid cannot be delimited: the proxy sends 502 or, once the head went out, ends the client connection without completing the message.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave(
        rawBySuffix(
          ctx,
          Object.fromEntries(
            Object.entries(BAD_CHUNKS).map(([s, body]) => [s, chunkedResponse(body)]),
          ),
        ),
      )
      const results: VariantResult[] = []
      for (const [suffix, body] of Object.entries(BAD_CHUNKS)) {
        const label = `the origin's chunked body ${JSON.stringify(body)}`
        results.push({ label, outcome: await badResponseChunks(ctx, suffix, label) })
      }
      return worstOf(results)
    },
  }),
]

/** One broken chunked response: a 5xx of the target's own, or a cut-off relay; never complete. */
async function badResponseChunks(
  ctx: CaseContext,
  suffix: string,
  label: string,
): Promise<Outcome> {
  ctx.note(`origin answers with ${label}`)
  const client = await ctx.connect()
  await client.write(originRequest(ctx, { suffix }))
  const result = await client.readResponse({
    timeoutMs: Math.max(ctx.quietMs, ctx.remainingMs() / 2),
  })
  const expected = `a 5xx, or a cut-off response, for ${label}`
  if (result.kind === 'timeout') {
    // Relayed and still not complete: the client never takes it for a whole response.
    if (result.partial.length > 0)
      return conforms(
        `${result.partial.length} bytes of a response, still incomplete after ${Math.round(result.afterMs)} ms; ${originSide(arrivals(ctx, suffix))}`,
      )
    return timedOut(expected, result.afterMs)
  }
  const status = serverErrorStatus(result)
  if (status !== undefined) return upstreamRefusal(status, label, arrivals(ctx, suffix))
  // A close before any head, or a head and a body the close cut short, both tell the client.
  if (result.kind === 'closed')
    return conforms(`cut off: ${provenance(result, arrivals(ctx, suffix))}`)
  if (result.kind === 'malformed') return violates(expected, describeResult(result))
  if (result.message.complete) {
    return violates(
      expected,
      `${provenance(result, arrivals(ctx, suffix))}, as complete (${statusLine(result.message)}), body ${JSON.stringify(bodyText(result.message))}`,
    )
  }
  return conforms(
    `${provenance(result, arrivals(ctx, suffix))}, cut off: ${describeResult(result)}`,
  )
}
