// RFC 9110 §6.5.1, §6.5.2; RFC 9112 §7.1.2: trailer fields travel as
// trailers or are dropped; a recipient MUST NOT merge them into the header
// section, where a trailer Content-Length would re-frame the message and a
// trailer Set-Cookie take effect.
// Not covered here: the request direction (trailers from the client), and
// RFC 9111 §3.1's rule that a cache does not store merged trailers.
// The origin here breaks RFC 9110 §6.5.1 itself ("A sender MUST NOT generate
// a trailer field unless the sender knows the corresponding header field
// name's definition permits the field to be sent in trailers"): Content-Length
// and Set-Cookie are not such fields. So refusing the response is always
// correct: the proxy's own 5xx (which one is noted), or a close before the
// message completes, with nothing merged into what was relayed.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates } from '../../harness/engine/model/outcome.js'
import type { OriginBehaviour } from '../../harness/origin/types.js'
import { fieldValues, hasField } from '../../harness/wire/fields.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { originRequest, responseOf } from '../support/request.js'
import { originSide, provenance } from '../support/provenance.js'

const BODY = 'hello trailers'

/** A chunked 200 announcing X-Sum, with X-Sum, Content-Length and Set-Cookie as trailers. */
const withTrailers: OriginBehaviour = {
  kind: 'raw',
  respond(_request, connection) {
    connection.write(
      Buffer.concat([
        responseBytes({
          status: 200,
          headers: [
            ['Transfer-Encoding', 'chunked'],
            ['Trailer', 'X-Sum'],
          ],
        }),
        Buffer.from(
          `${BODY.length.toString(16)}\r\n${BODY}\r\n0\r\nX-Sum: abc\r\nContent-Length: 0\r\nSet-Cookie: t=1\r\n\r\n`,
          'latin1',
        ),
      ]),
    )
  },
}

export const trailerCases = [
  defineCase({
    id: 'never-merges-trailers-into-headers',
    title:
      'Response trailers stay trailers (or are dropped): none of them appears in the header section',
    requirements: ['HOP-09'],
    spec: [
      { rfc: 9110, section: '6.5.1' },
      { rfc: 9110, section: '6.5.2' },
      { rfc: 9112, section: '7.1.2' },
    ],
    requirement:
      'A recipient MUST NOT merge trailer fields into the header section; framing and cookie fields sent as trailers have no effect.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave(withTrailers)
      const client = await ctx.connect()
      await client.write(originRequest(ctx, { headers: [['TE', 'trailers']] }))
      const result = await client.readResponse()
      if (result.kind === 'closed') {
        // Cut off at the invalid trailers: graded on the header section relayed before the close.
        const relayed = headSection(result.partial)
        const mergedEarly = ['x-sum', 'content-length', 'set-cookie'].filter((name) =>
          new RegExp(`^${name}:`, 'im').test(relayed),
        )
        // A Content-Length the proxy wrote for a body it framed itself is not a merged trailer.
        const merged = mergedEarly.filter(
          (name) => name !== 'content-length' || /^content-length:\s*0\s*$/im.test(relayed),
        )
        return merged.length === 0
          ? conforms(
              `the proxy closed the connection (${result.how}) after ${result.partial.length} bytes: the response was refused`,
            )
          : violates(
              'X-Sum, Content-Length and Set-Cookie only as trailers, or not at all',
              `in the header section relayed before a close: ${merged.join(', ')}`,
            )
      }
      if (result.kind === 'timeout')
        return timedOut(
          `the response to reach the client (${originSide(ctx.origin.requests())})`,
          result.afterMs,
        )
      const read = responseOf(result, 'the response to reach the client')
      const { head, body, trailers } = read
      if (head.status >= 500 && body.toString('latin1') !== BODY)
        return conforms(`a refusal: ${provenance(result, ctx.origin.requests())}`)
      const merged = ['x-sum', 'content-length', 'set-cookie'].filter((name) =>
        hasField(head.headers, name),
      )
      // Cut off in the body (a close with no last chunk: Varnish gives up on the invalid
      // trailers after relaying the header section), the client sees an incomplete
      // response: a refusal like the close above, graded on the header section it relayed.
      if (!read.complete && body.toString('latin1') !== BODY && merged.length === 0)
        return conforms(
          `the proxy cut the response off after ${body.length} body bytes (no last chunk): the response was refused, nothing merged`,
        )
      if (merged.length > 0) {
        return violates(
          'X-Sum, Content-Length and Set-Cookie only as trailers, or not at all',
          `in the header section: ${merged
            .map((name) => `${name}: ${fieldValues(head.headers, name).join(', ')}`)
            .join('; ')}`,
        )
      }
      if (body.toString('latin1') !== BODY)
        return violates(`the body "${BODY}"`, `the body "${body.toString('latin1')}"`)
      const sum = fieldValues(trailers, 'x-sum')
      return conforms(
        sum.length > 0 ? `X-Sum came as a trailer: ${sum.join(', ')}` : 'the trailers were dropped',
      )
    },
  }),
]

/** The header section at the start of `bytes` (through its empty line, or all of it), as text. */
function headSection(bytes: Buffer): string {
  const text = bytes.toString('latin1')
  const end = text.indexOf('\r\n\r\n')
  return end === -1 ? text : text.slice(0, end)
}
