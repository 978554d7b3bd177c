// RFC 9112 §6.1, §6.3 rule 3: a message with both Content-Length and
// Transfer-Encoding is the classic request-smuggling shape (CL.TE / TE.CL).
// Transfer-Encoding wins, Content-Length goes before forwarding, and a request
// that had both ends its connection.
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, observed, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { fieldValues, hasField } from '../../harness/wire/fields.js'
import type { HeaderField } from '../../harness/wire/types.js'
import { transferCodings } from '../../harness/wire/framing.js'
import { chunkedBody } from '../../harness/wire/serialize.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import {
  arrivals,
  bodyText,
  describeArrivals,
  rawBySuffix,
  serverErrorStatus,
  upstreamRefusal,
} from './probe.js'
import { provenance } from '../support/provenance.js'

export const clTeCases = [
  defineCase({
    id: 'cl-with-te-request-rejected-or-te-framed',
    title:
      'A request with both Content-Length and Transfer-Encoding is refused, or forwarded framed by Transfer-Encoding without the received Content-Length, and its connection closes',
    requirements: ['SMUG-01'],
    spec: [
      { rfc: 9112, section: '6.1' },
      { rfc: 9112, section: '6.3' },
    ],
    requirement:
      'Transfer-Encoding overrides Content-Length; an intermediary MUST remove Content-Length before forwarding such a request, and MUST close the connection after responding to it (it MAY reject it instead).',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // "chunked" with a trailing tab is still chunked (the tab is OWS), and still conflicts
      // with Content-Length: the shape Sozu forwarded while it framed by Content-Length [B21].
      const notes: string[] = []
      for (const [te, tag] of [
        ['chunked', 'plain'],
        ['chunked\t', 'tab'],
      ] as const) {
        const seen = await clWithTe(ctx, te, tag)
        if (typeof seen !== 'string') return seen
        notes.push(`${JSON.stringify(te)}: ${seen}`)
      }
      return conforms(notes.join('; '))
    },
  }),

  defineCase({
    id: 'cl-with-te-response-framed-by-te',
    title:
      'A response with both Content-Length and Transfer-Encoding reaches the client framed by Transfer-Encoding, without Content-Length, or as a 502',
    requirements: ['SMUG-02'],
    spec: [{ rfc: 9112, section: '6.3' }],
    requirement:
      'Transfer-Encoding overrides Content-Length; the recipient MUST frame such a response by Transfer-Encoding, and an intermediary MUST remove Content-Length before forwarding it (or treat it as an error).',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const body = 'hello world'
      ctx.origin.behave(
        rawBySuffix(ctx, {
          both: Buffer.concat([
            Buffer.from(
              'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
            ),
            chunkedBody([body]),
          ]),
        }),
      )
      const client = await ctx.connect()
      await client.write(originRequest(ctx, { suffix: 'both' }))
      const result = await client.readResponse()
      const refused = serverErrorStatus(result)
      if (refused !== undefined)
        return upstreamRefusal(
          refused,
          "the origin's response with both Content-Length and Transfer-Encoding",
          ctx.origin.requests(),
        )
      const message = responseOf(result, 'the response, or a 502')
      // Only the origin's Content-Length + chunked answer is graded: when the request never
      // reached it (a target that sent it on an upstream connection still owing an earlier
      // body, which the origin read as that body), what came back is another message.
      if (arrivals(ctx, 'both').length === 0) {
        return observed(
          `the request never reached the origin, so its response with both fields was never sent; the target answered ${statusLine(message)}: nothing to judge`,
        )
      }
      // A proxy that decodes the chunked body and frames it anew with its own Content-Length
      // (lighttpd buffers every response) has removed the received one and processed the
      // Transfer-Encoding, as §6.3 item 3 asks: a length that is the decoded body's conforms.
      const lengths = fieldValues(message.head.headers, 'content-length')
      const reframed =
        !hasField(message.head.headers, 'transfer-encoding') &&
        lengths.length === 1 &&
        lengths[0]?.trim() === String(body.length)
      if (lengths.length > 0 && !reframed) {
        return violates(
          `no Content-Length next to the chunked framing (or, re-framed, Content-Length: ${body.length})`,
          `${statusLine(message)} with Content-Length ${JSON.stringify(fieldValues(message.head.headers, 'content-length'))}, body ${JSON.stringify(bodyText(message))}`,
        )
      }
      if (!message.complete || bodyText(message) !== body || client.buffered > 0) {
        return violates(
          `the whole ${body.length}-byte body "${body}", nothing after it`,
          `body ${JSON.stringify(bodyText(message))}${message.complete ? '' : ' (incomplete)'}, ${client.buffered} stray bytes after it`,
        )
      }
      return conforms()
    },
  }),
]

/**
 * One CL+TE smuggling attempt with Transfer-Encoding `te`: what the target
 * did when it conforms (refused with an error status and nothing forwarded,
 * or forwarded framed by its chunked body; then closed), else the violation.
 */
async function clWithTe(ctx: CaseContext, te: string, tag: string): Promise<string | Outcome> {
  // Read by Content-Length the body is "0\r\n\r\nG"; read by chunked it is empty and "G"
  // prefixes the next request: "GGET …/smug". Either reading must not reach the origin.
  const smuggler = Buffer.concat([
    originRequest(ctx, {
      method: 'POST',
      suffix: `cl-te-${tag}`,
      headers: [
        ['Content-Length', '6'],
        ['Transfer-Encoding', te],
      ],
      body: '0\r\n\r\nG',
    }),
    originRequest(ctx, { suffix: `smug-${tag}` }),
  ])
  const client = await ctx.connect()
  await client.write(smuggler)
  const result = await client.readResponse()
  if (result.kind !== 'response') {
    return violates(
      'a refusal and a close, or the origin response to one request framed by its chunked body',
      `${provenance(result, [...arrivals(ctx, `cl-te-${tag}`), ...arrivals(ctx, `smug-${tag}`)])}; ${describeArrivals([...arrivals(ctx, `cl-te-${tag}`), ...arrivals(ctx, `smug-${tag}`)])}`,
    )
  }
  const status = result.message.head.status
  const reached = arrivals(ctx, `cl-te-${tag}`)
  // §6.1: a server MAY reject such a request; any error status with nothing sent upstream is
  // that refusal (400, or 501 when the coding, e.g. "chunked" plus a tab, is not recognised).
  const refused = status >= 400 && reached.length === 0
  if (!refused) {
    const forwarded = reached.filter((r) => r.message.complete)
    const [first, ...rest] = forwarded
    if (first === undefined || rest.length > 0) {
      return violates(
        'a refusal with nothing forwarded, or exactly one forwarded request, framed by Transfer-Encoding',
        `${provenance(result, [...reached, ...arrivals(ctx, `smug-${tag}`)])}; ${describeArrivals(reached)}`,
      )
    }
    const problem = forwardedFramingProblem(first.message.head.headers)
    if (problem !== undefined) {
      return violates(
        'the forwarded request chunked without Content-Length, or dechunked with Content-Length: 0',
        `${problem}: ${describeArrivals([first])}`,
      )
    }
    if (first.message.body.length > 0) {
      return violates(
        'an empty body (the chunked reading)',
        `${first.message.body.length} body bytes: ${describeArrivals([first])}`,
      )
    }
  }
  const closed = await client.waitForClose({ timeoutMs: ctx.quietMs })
  const smuggled = arrivals(ctx, `smug-${tag}`)
  if (smuggled.length > 0) {
    return violates('the smuggled GET …/smug never reaches the origin', describeArrivals(smuggled))
  }
  if (isTimeout(closed)) {
    return violates(
      `the client connection closed after the ${status}`,
      `it was still open ${ctx.quietMs} ms later`,
    )
  }
  return refused
    ? `refused with ${status}, then closed`
    : 'forwarded by its chunked framing, then closed'
}

/**
 * What is wrong with the framing fields of the forwarded request, if anything.
 * §6.3 rule 3: the message is framed by Transfer-Encoding and Content-Length
 * goes; the forwarder may keep it chunked, or dechunk it and send its own
 * Content-Length for the (empty) decoded body.
 */
function forwardedFramingProblem(headers: readonly HeaderField[]): string | undefined {
  const lengths = fieldValues(headers, 'content-length')
  const codings = transferCodings(headers)
  const shown = `Content-Length ${JSON.stringify(lengths)}, Transfer-Encoding ${JSON.stringify(fieldValues(headers, 'transfer-encoding'))}`
  if (codings.length > 0) {
    return lengths.length === 0 && codings.at(-1) === 'chunked' ? undefined : shown
  }
  return lengths.length === 1 && lengths[0]?.trim() === '0' ? undefined : shown
}
