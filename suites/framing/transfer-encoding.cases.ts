// RFC 9112 §6.1, §6.3 rule 4: in a request, chunked must be the last
// transfer coding or the length cannot be known (400, then close); a coding
// the server does not understand gets 501; and Transfer-Encoding in an
// HTTP/1.0 message means the framing is faulty: close after handling it.
import { gzipSync } from 'node:zlib'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { transferCodings } from '../../harness/wire/framing.js'
import { chunkedBody } from '../../harness/wire/serialize.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import {
  arrivals,
  describeArrivals,
  describeResult,
  allVariants,
  rawBySuffix,
  serverErrorStatus,
  upstreamRefusal,
  type ForwardingCheck,
  type RefusalProbe,
} from './probe.js'

function codingProbe(
  ctx: CaseContext,
  suffix: string,
  line: string,
  statusLevel?: 'MUST',
): RefusalProbe {
  return {
    label: JSON.stringify(line),
    suffix,
    statuses: [400, 501],
    ...(statusLevel === undefined ? {} : { statusLevel }),
    bytes: originRequest(ctx, {
      method: 'POST',
      suffix,
      headers: [line],
      body: chunkedBody(['hello']),
    }),
  }
}

/**
 * The folded chunked request forwarded unfolded: no fold, body "hello", framed
 * as chunked once or decoded and sent with Content-Length: 5.
 */
const UNFOLDED_CHUNKED: ForwardingCheck = {
  allowed:
    'the fold replaced with SP and the request forwarded chunked (or decoded, with Content-Length: 5), body "hello"',
  check(arrived) {
    const [first] = arrived
    if (arrived.length !== 1 || first === undefined) return `${arrived.length} requests arrived`
    const { head, body, anomalies } = first.message
    if (anomalies.some((a) => a.code === 'obs-fold')) return 'the obs-fold arrived'
    const codings = transferCodings(head.headers)
    const lengths = fieldValues(head.headers, 'content-length')
    if (codings.length === 0) {
      // Decoded by the proxy: the body goes on with its own length (§6.3 rule 3 lets it).
      if (lengths.join(',') !== '5')
        return `no Transfer-Encoding, Content-Length ${JSON.stringify(lengths)}`
    } else if (codings.join(',') !== 'chunked') {
      return `Transfer-Encoding ${JSON.stringify(codings)}`
    } else if (lengths.length > 0) {
      return 'a Content-Length next to Transfer-Encoding'
    }
    return body.toString('latin1') === 'hello' ? undefined : 'the body differs'
  },
}

export const transferEncodingCases = [
  defineCase({
    id: 'transfer-encoding-not-chunked-last-rejected',
    title:
      'A request whose Transfer-Encoding does not end in exactly one chunked gets 400 (or 501) and a close',
    requirements: ['SMUG-05'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9112, section: '6.1' },
    ],
    requirement:
      'If chunked is not the final transfer coding of a request, its length cannot be determined: the server MUST respond 400 and close the connection. chunked MUST NOT be applied more than once.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const lines = [
        'Transfer-Encoding: chunked, gzip',
        'Transfer-Encoding: gzip',
        'Transfer-Encoding: xchunked',
        'Transfer-Encoding: chunked, chunked',
        'Transfer-Encoding: identity',
        'Transfer-Encoding:\r\n chunked',
      ]
      // §6.3 rule 4 names the status where chunked is not the final coding: "the server MUST
      // respond with the 400 (Bad Request) status code and then close the connection" (501 is
      // §6.1's for a coding it does not understand). §5.2 names 400 for refusing the fold.
      // "chunked, chunked" breaks a sender's MUST NOT (§6.1); no sentence names the status
      // its recipient refuses it with.
      const probes = lines.map((line, i) =>
        codingProbe(ctx, `te${i}-`, line, line.includes('chunked, chunked') ? undefined : 'MUST'),
      )
      // The folded "Transfer-Encoding:\r\n chunked" (te5) is plain chunked once unfolded, and
      // §5.2 lets a proxy replace obs-fold with SP before forwarding instead of rejecting it.
      const folded = probes[5]
      if (folded !== undefined) probes[5] = { ...folded, forwarded: UNFOLDED_CHUNKED }
      return allVariants(ctx, probes)
    },
  }),

  defineCase({
    id: 'unknown-transfer-coding-gets-501',
    title:
      'A request with a transfer coding the intermediary does not apply gets 501, or is forwarded with that coding intact',
    requirements: ['SMUG-05'],
    spec: [{ rfc: 9112, section: '6.1' }],
    requirement:
      'A server that receives a request with a transfer coding it does not understand SHOULD respond 501; a proxy that forwards it must not drop the coding while keeping the coded bytes.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const coded = gzipSync(Buffer.from('hello'))
      const client = await ctx.connect()
      await client.write(
        originRequest(ctx, {
          method: 'POST',
          suffix: 'gzip',
          headers: ['Transfer-Encoding: gzip, chunked'],
          body: chunkedBody([coded]),
        }),
      )
      const read = responseOf(await client.readResponse(), 'a 501 (or the origin response)')
      if (read.head.status === 501) return conforms('answered 501')
      const [first] = arrivals(ctx, 'gzip').filter((r) => r.message.complete)
      if (first !== undefined) {
        const codings = transferCodings(first.message.head.headers)
        const body = first.message.body
        // Either the coding travels on with the coded bytes, or the proxy decoded it.
        const kept = codings.join(',') === 'gzip,chunked' && body.equals(coded)
        const decoded = !codings.includes('gzip') && body.toString('latin1') === 'hello'
        if (kept || decoded) return conforms('forwarded with the coding handled')
      }
      return violates(
        '501, or the gzip coding forwarded with its coded bytes (or decoded)',
        `${statusLine(read)}; ${describeArrivals(arrivals(ctx, 'gzip'))}`,
      )
    },
  }),

  defineCase({
    id: 'response-transfer-coding-not-relabelled',
    title:
      'A response in a transfer coding the intermediary does not decode becomes a 502, or keeps that coding: its coded bytes never arrive as plain content',
    requirements: ['SMUG-05'],
    spec: [{ rfc: 9112, section: '6.1' }],
    requirement:
      'Transfer-Encoding is a property of the message on one hop: an intermediary that removes a transfer coding must decode it; dropping the field and keeping the coded bytes corrupts the content.',
    level: 'INFO',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const coded = gzipSync(Buffer.from('hello'))
      ctx.origin.behave(
        rawBySuffix(ctx, {
          'gzip-': Buffer.concat([
            Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'),
            chunkedBody([coded]),
          ]),
        }),
      )
      const client = await ctx.connect()
      await client.write(originRequest(ctx, { suffix: 'gzip-' }))
      const result = await client.readResponse()
      const refused = serverErrorStatus(result)
      if (refused !== undefined)
        return upstreamRefusal(
          refused,
          'the origin\'s "Transfer-Encoding: gzip, chunked" response',
          ctx.origin.requests(),
        )
      const message = responseOf(result, 'a 502, or the coded response')
      const codings = transferCodings(message.head.headers)
      const kept = codings.includes('gzip') && message.body.equals(coded)
      const decoded = !codings.includes('gzip') && message.body.toString('latin1') === 'hello'
      if (kept || decoded) return conforms(kept ? 'relayed with the gzip coding' : 'decoded')
      return violates(
        'a 502, or the gzip coding kept (or decoded)',
        `${statusLine(message)}, Transfer-Encoding ${JSON.stringify(codings)}, ${message.body.length} body bytes${message.body.equals(coded) ? ': the gzip bytes, unlabelled' : ''}`,
      )
    },
  }),

  defineCase({
    id: 'http10-transfer-encoding-closes',
    title:
      'An HTTP/1.0 request with Transfer-Encoding is handled at most once, then its connection closes',
    requirements: ['SMUG-05'],
    spec: [{ rfc: 9112, section: '6.1' }],
    requirement:
      'A server that receives Transfer-Encoding in an HTTP/1.0 request MUST treat the framing as faulty and close the connection after processing the message.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      await client.write(
        Buffer.concat([
          originRequest(ctx, {
            method: 'POST',
            suffix: 'te10',
            version: 'HTTP/1.0',
            headers: [
              ['Connection', 'keep-alive'],
              ['Transfer-Encoding', 'chunked'],
            ],
            body: chunkedBody(['hello']),
          }),
          originRequest(ctx, {
            suffix: 'smug',
            version: 'HTTP/1.0',
            headers: [['Connection', 'keep-alive']],
          }),
        ]),
      )
      const result = await client.readResponse()
      if (result.kind !== 'response') {
        return violates('a response, then a close', describeResult(result))
      }
      const closed = await client.waitForClose({ timeoutMs: ctx.quietMs })
      const forwarded = arrivals(ctx, 'te10').filter((r) => r.message.complete)
      const wrong = forwarded.filter((r) => r.message.body.toString('latin1') !== 'hello')
      if (wrong.length > 0) {
        return violates(
          'if forwarded at all, the chunked body "hello" intact',
          describeArrivals(wrong),
        )
      }
      const smuggled = arrivals(ctx, 'smug')
      if (smuggled.length > 0) {
        return violates('the pipelined GET …/smug never processed', describeArrivals(smuggled))
      }
      if (isTimeout(closed)) {
        return violates(
          `the connection closed after the ${result.message.head.status}`,
          `it was still open ${ctx.quietMs} ms later`,
        )
      }
      return conforms(`${statusLine(result.message)}, then closed`)
    },
  }),
]
