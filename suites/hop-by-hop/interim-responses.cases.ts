// RFC 9110 §15.2: a proxy MUST forward 1xx responses unless it asked for them
// itself, a client MUST parse several before the final response, and a
// server MUST NOT send a 1xx to an HTTP/1.0 client. The failures seen in the
// wild: 103 treated as final, 103 dropped, a hang on 103 [B25].
// "A proxy MUST forward 1xx responses" binds a proxy: a gateway that drops
// them is INFO (reverse role). A hang on the 103s, or a 103 taken as final,
// is graded in both roles: "A client MUST be able to parse one or more 1xx
// responses received prior to a final response", and toward its origin a
// gateway is a client. "A server MUST NOT send a 1xx response to an HTTP/1.0
// client" binds both roles.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, endCase, violates } from '../../harness/engine/model/outcome.js'
import type { OriginBehaviour } from '../../harness/origin/types.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import { proxySentence } from './exchange.js'

const BODY = 'final body'

/** Two 103 (Early Hints) with Link, then 200 with a Content-Length, all at once. */
const earlyHints: OriginBehaviour = {
  kind: 'raw',
  respond(_request, connection) {
    const hint = (href: string): Buffer =>
      responseBytes({ status: 103, headers: [['Link', `<${href}>; rel=preload; as=style`]] })
    connection.write(
      Buffer.concat([
        hint('/a.css'),
        hint('/b.css'),
        responseBytes({
          status: 200,
          headers: [['Content-Length', String(BODY.length)]],
          body: BODY,
        }),
      ]),
    )
  },
}

/** The final response (and its interim ones) to a request in `version`; none ends the case. */
async function exchange(
  ctx: CaseContext,
  version: 'HTTP/1.1' | 'HTTP/1.0',
): Promise<{
  readonly message: HttpMessage<ResponseHead>
  readonly interim: readonly HttpMessage<ResponseHead>[]
}> {
  ctx.origin.behave(earlyHints)
  const client = await ctx.connect()
  await client.write(originRequest(ctx, { version }))
  // A conformant proxy relays all three at once; silence only costs quietMs.
  const result = await client.readResponse({ timeoutMs: ctx.quietMs })
  if (result.kind === 'timeout') {
    // What came before the silence says how the 103s were taken (as final, in mitmproxy #2229 [B25]).
    const lines = result.partial.toString('latin1').match(/^HTTP\/1\.[01] \d{3}[^\r\n]*/gm) ?? []
    return endCase(
      violates(
        version === 'HTTP/1.1' ? 'two 103 responses, then the 200' : 'the 200 alone',
        `${lines.length === 0 ? 'no response at all' : lines.join(' / ')}, then silence for ${Math.round(result.afterMs)} ms (the proxy hangs on the 103s)`,
      ),
    )
  }
  const read = responseOf(result, 'the final response after two 103s')
  if (read.head.status !== 200 || read.body.toString('latin1') !== BODY) {
    endCase(
      violates(
        `200 with "${BODY}" as the final response`,
        `${statusLine(read)} with "${read.body.toString('latin1')}"`,
      ),
    )
  }
  return { message: read, interim: result.kind === 'response' ? result.interim : [] }
}

export const interimResponseCases = [
  defineCase({
    id: 'forwards-interim-responses',
    title: 'Two 103 (Early Hints) from the origin reach an HTTP/1.1 client before the 200',
    requirements: ['HOP-17'],
    spec: [{ rfc: 9110, section: '15.2' }],
    requirement:
      'A proxy MUST forward 1xx responses it did not ask for itself; several may precede the final response.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const read = await exchange(ctx, 'HTTP/1.1')
      const links = read.interim.map(
        (m) =>
          `${m.head.status} ${m.head.headers.find((f) => /^link$/i.test(f.name))?.value ?? ''}`,
      )
      return proxySentence(
        ctx,
        read.interim.length === 2 && read.interim.every((m) => m.head.status === 103)
          ? conforms()
          : violates('two 103 responses, then the 200', `interim: ${links.join('; ') || 'none'}`),
        'RFC 9110 §15.2 ("A proxy MUST forward 1xx responses")',
      )
    },
  }),
  defineCase({
    id: 'no-interim-responses-to-http10',
    title: 'An HTTP/1.0 client gets only the final response, never a 103',
    requirements: ['HOP-17'],
    spec: [{ rfc: 9110, section: '15.2' }],
    requirement: 'A server MUST NOT send a 1xx response to an HTTP/1.0 client.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const read = await exchange(ctx, 'HTTP/1.0')
      return read.interim.length === 0
        ? conforms()
        : violates(
            'only the 200 at an HTTP/1.0 client',
            `${read.interim.length} interim response(s) first: ${read.interim.map((m) => m.head.status).join(', ')}`,
          )
    },
  }),
]
