// RFC 9112 §7.1, §7.1.1: chunked decoding is strict. Sizes are hex digits
// only and must not overflow, chunk data ends in CRLF exactly where its size
// says, and unknown chunk extensions are ignored, not refused.
import type { CaseContext } from '../../harness/model/case-context.js'
import { defineCase } from '../../harness/model/case.js'
import { conforms, violates } from '../../harness/model/outcome.js'
import { originRequest, responseOrOutcome, statusLine } from '../support/request.js'
import {
  arrivals,
  bodyText,
  describeArrivals,
  describeResult,
  firstViolation,
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
    id: 'framing/invalid-request-chunks-rejected',
    suite: 'framing',
    title:
      'A chunked request with an overflowing or non-hex size, or data longer than its size, gets 400 (or 413 for the overflow) and a close and never completes upstream',
    requirements: ['SMUG-10'],
    spec: [{ rfc: 9112, section: '7.1' }],
    requirement:
      'chunk-size is 1*HEXDIG, a recipient MUST guard against overflow, and chunk data is followed by CRLF; a body that breaks this framing is rejected, not resynchronised.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // A size past any limit the recipient has may be refused as too large (413, RFC 9110
      // §15.5.14): §7.1 asks only that the overflow be caught, not which 4xx says so.
      const probes: RefusalProbe[] = Object.entries(BAD_CHUNKS).map(([suffix, body]) => ({
        label: JSON.stringify(body),
        suffix,
        bytes: chunkedPost(ctx, suffix, body),
        ...(suffix === 'overflow-' ? { statuses: [400, 413] } : {}),
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
      return (await firstViolation(ctx, probes)) ?? conforms()
    },
  }),

  defineCase({
    id: 'framing/chunk-extensions-ignored',
    suite: 'framing',
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
      const read = responseOrOutcome(
        await client.readResponse(),
        'the origin response to the request',
      )
      if ('outcome' in read) return read.outcome
      const [arrived] = arrivals(ctx, 'req-').filter((r) => r.message.complete)
      if (
        read.message.head.status !== 200 ||
        arrived?.message.body.toString('latin1') !== 'hello'
      ) {
        return violates(
          'the request with "5;ext=1" forwarded, body "hello", and the origin answer relayed',
          `${statusLine(read.message)}; ${describeArrivals(arrivals(ctx, 'req-'))}`,
        )
      }
      const again = await ctx.connect()
      await again.write(originRequest(ctx, { suffix: 'res-' }))
      const response = responseOrOutcome(
        await again.readResponse(),
        'the chunked response with "5;ext=1"',
      )
      if ('outcome' in response) return response.outcome
      if (!response.message.complete || bodyText(response.message) !== 'hello') {
        return violates(
          'the response body "hello" whole',
          `${describeResult({ kind: 'response', message: response.message, interim: [] })}, body ${JSON.stringify(bodyText(response.message))}`,
        )
      }
      return conforms()
    },
  }),

  defineCase({
    id: 'framing/invalid-response-chunks-not-relayed',
    suite: 'framing',
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
      for (const [suffix, body] of Object.entries(BAD_CHUNKS)) {
        ctx.note(`origin answers with the chunked body ${JSON.stringify(body)}`)
        const client = await ctx.connect()
        await client.write(originRequest(ctx, { suffix }))
        const result = await client.readResponse()
        if (result.kind === 'timeout') {
          return violates(
            `a 502, or a cut-off response, for ${JSON.stringify(body)}`,
            describeResult(result),
          )
        }
        // A close before any head, or a head and a body the close cut short, both tell the client.
        if (result.kind === 'closed') continue
        if (result.kind === 'malformed') {
          return violates(
            `a 502, or a cut-off response, for the origin's ${JSON.stringify(body)}`,
            describeResult(result),
          )
        }
        if (result.message.head.status === 502) continue
        if (result.message.complete) {
          return violates(
            `a 502, or a cut-off response, for the origin's ${JSON.stringify(body)}`,
            `${statusLine(result.message)} relayed complete, body ${JSON.stringify(bodyText(result.message))}`,
          )
        }
      }
      return conforms()
    },
  }),
]
