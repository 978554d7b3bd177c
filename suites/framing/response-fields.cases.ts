// RFC 9112 §5.1, §5.2, §2.2 on the response side: a proxy either refuses
// (502) an upstream response whose field lines two parsers could read
// differently, or cleans them before the response goes on.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, outcomeOf, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { fieldValues } from '../../harness/wire/fields.js'
import type { AnomalyCode } from '../../harness/wire/types.js'
import { proxySentence } from '../support/proxy-sentence.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import { rawBySuffix, serverErrorStatus, upstreamRefusal } from './probe.js'

/** The client's view of a response with one odd field line: 502, or the field cleaned. */
async function responseCleaned(
  ctx: CaseContext,
  line: string,
  field: string,
  code: AnomalyCode,
): Promise<Outcome> {
  ctx.origin.behave(
    rawBySuffix(ctx, {
      odd: Buffer.from(`HTTP/1.1 200 OK\r\n${line}\r\nContent-Length: 2\r\n\r\nok`),
    }),
  )
  const client = await ctx.connect()
  await client.write(originRequest(ctx, { suffix: 'odd' }))
  const result = await client.readResponse()
  // The harness sent a field line no sender may send: refusing it is always correct.
  const refused = serverErrorStatus(result)
  if (refused !== undefined)
    return upstreamRefusal(refused, `the origin's ${JSON.stringify(line)}`, ctx.origin.requests())
  const message = responseOf(result, `a 502, or ${field} cleaned`)
  const anomaly = message.head.anomalies.find((a) => a.code === code)
  const values = fieldValues(message.head.headers, field)
  if (anomaly !== undefined || values.length !== 1) {
    const raw = message.head.headers.filter((f) => f.name.toLowerCase() === field.toLowerCase())
    return violates(
      `a 502, or one clean ${field} line`,
      `${statusLine(message)}; ${anomaly === undefined ? `${values.length} ${field} lines` : anomaly.message}: ${JSON.stringify(raw.map((f) => f.raw.toString('latin1')))}`,
    )
  }
  return conforms(`${field}: ${values[0] ?? ''}`)
}

export const responseFieldCases = [
  // RFC 9112 §5.1 binds "a proxy" only: "A proxy MUST remove any such
  // whitespace from a response message before forwarding the message
  // downstream". A gateway is not one (RFC 9110 §3.7): reverse and
  // tls-terminator report relaying it as INFO (proxySentence).
  defineCase({
    id: 'response-whitespace-before-colon-removed',
    title:
      'Whitespace before the colon in a response field is removed before the response goes on (or 502)',
    requirements: ['SMUG-06'],
    spec: [{ rfc: 9112, section: '5.1' }],
    requirement:
      'A proxy MUST remove any whitespace between a field name and the colon from a response before forwarding it downstream.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: async (ctx) =>
      proxySentence(
        ctx,
        // Its early ends too are graded by who the sentence binds.
        await outcomeOf(responseCleaned(ctx, 'X-Test : 1', 'X-Test', 'whitespace-before-colon')),
        'RFC 9112 §5.1 "A proxy MUST remove any such whitespace from a response message before forwarding the message downstream"',
      ),
  }),

  // RFC 9112 §5.2 binds both roles: "A proxy or gateway that receives an
  // obs-fold in a response message ... MUST either discard the message and
  // replace it with a 502 (Bad Gateway) response ... or replace each received
  // obs-fold with one or more SP octets".
  defineCase({
    id: 'response-obs-fold-502-or-unfolded',
    title: 'A folded response field line becomes a 502, or reaches the client unfolded',
    requirements: ['SMUG-07'],
    spec: [{ rfc: 9112, section: '5.2' }],
    requirement:
      'A proxy that receives obs-fold in a response MUST discard the message and send 502, or replace each fold with SP before forwarding it.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) => responseCleaned(ctx, 'X-B: 1\r\n\tfolded', 'X-B', 'obs-fold'),
  }),

  // RFC 9112 §2.2 binds any recipient, a gateway included: "A recipient of
  // such a bare CR MUST consider that element to be invalid or replace each
  // bare CR with SP before processing the element or forwarding the message".
  defineCase({
    id: 'response-bare-cr-502-or-cleaned',
    title: 'A bare CR in a response field becomes a 502, or a SP before the response goes on',
    requirements: ['SMUG-08'],
    spec: [{ rfc: 9112, section: '2.2' }],
    requirement:
      'A recipient of a bare CR MUST consider the element invalid or replace each bare CR with SP before processing it or forwarding the message.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) => responseCleaned(ctx, 'X-C: a\rb', 'X-C', 'bare-cr'),
  }),
]
