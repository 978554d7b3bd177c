// RFC 9112 App. C.2.2 and §9.3: a proxy keeps no persistent connection with an
// HTTP/1.0 client, whatever keep-alive it asks for; §6.1: no chunked request
// to an upstream known to speak HTTP/1.0.
import { http, HttpResponse } from 'msw'
import { defineCase, type ConformanceCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { hasField, listTokens } from '../../harness/wire/fields.js'
import { closeWithin, requestsTo, saysConnection } from '../support/keep-alive.js'
import { originRequest, responseOf } from '../support/request.js'
import { provenance } from '../support/provenance.js'

async function http10KeepAlive(ctx: CaseContext): Promise<Outcome> {
  const client = await ctx.connect()
  await client.write(
    originRequest(ctx, {
      version: 'HTTP/1.0',
      headers: [
        ['Connection', 'keep-alive'],
        ['Keep-Alive', '300'],
      ],
    }),
  )
  const read = responseOf(await client.readResponse(), 'the response to the 1.0 client')
  const promised = saysConnection(read, 'keep-alive')
  const how = await closeWithin(client, ctx.quietMs)
  if (!promised && how !== 'open') return conforms()
  return violates(
    'a response that promises no keep-alive, then the connection closed',
    [
      ...(promised ? ['the response says Connection: keep-alive'] : []),
      ...(how === 'open' ? [`the connection was still open ${ctx.quietMs} ms later`] : []),
    ].join('; '),
  )
}

const keepAliveCase = {
  title: 'An HTTP/1.0 client asking for keep-alive gets no persistent connection',
  requirements: ['KA-05'],
  spec: [
    { rfc: 9112, section: 'C.2.2' },
    { rfc: 9112, section: '9.3' },
  ],
  run: http10KeepAlive,
} as const satisfies Partial<ConformanceCase>

export const http10Cases = [
  // Fails on squid and Apache forward (they honour an HTTP/1.0 client's
  // keep-alive). Still a violation: RFC 9112 §9.3 "A proxy server MUST NOT
  // maintain a persistent connection with an HTTP/1.0 client".
  defineCase({
    ...keepAliveCase,
    id: 'no-persistence-with-http10-client',
    requirement:
      'A proxy server MUST NOT maintain a persistent connection with an HTTP/1.0 client, even one that sends Connection: keep-alive.',
    level: 'MUST',
    roles: ['forward'],
  }),
  defineCase({
    ...keepAliveCase,
    id: 'http10-keep-alive-at-a-gateway',
    // Squid maintainers hold that a gateway acting as the origin may honour it [B26]: INFO.
    requirement:
      'A gateway acts as an origin server toward its clients (RFC 9110 §3.7); whether it keeps 1.0 keep-alive is reported, not graded.',
    level: 'INFO',
    roles: ['reverse'],
  }),
  defineCase({
    id: 'no-chunked-request-to-http10-upstream',
    title:
      'After the origin answered in HTTP/1.0, a chunked request is sent to it with Content-Length, or refused (411/502)',
    requirements: ['KA-08'],
    spec: [
      { rfc: 9112, section: '6.1' },
      { rfc: 9112, section: '6.3' },
    ],
    requirement:
      'A client MUST NOT send a request containing Transfer-Encoding unless it knows the server handles HTTP/1.1 requests (or later minor revisions).',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave({
        kind: 'routes',
        handlers: [http.all('*', () => new HttpResponse('ok'))],
        policy: { version: 'HTTP/1.0' },
      })
      const client = await ctx.connect()
      // Pipelined: the target learns the version from the first response and meets the chunked POST right after.
      await client.write(
        Buffer.concat([
          originRequest(ctx, { suffix: 'learn' }),
          originRequest(ctx, {
            method: 'POST',
            suffix: 'chunked',
            headers: [['Transfer-Encoding', 'chunked']],
            body: '5\r\nhello\r\n0\r\n\r\n',
          }),
        ]),
      )
      responseOf(await client.readResponse(), 'the HTTP/1.0 origin response')
      const second = await client.readResponse()
      const posted = requestsTo(ctx, 'chunked')[0]
      if (posted === undefined) {
        if (second.kind === 'closed') return conforms('the connection closed instead')
        const answer = responseOf(second, 'the answer to the chunked POST')
        if ([411, 502].includes(answer.head.status))
          return conforms(`refused: ${provenance(second, [])}`)
        return violates(
          'the POST forwarded with Content-Length, or refused with 411/502',
          provenance(second, []),
        )
      }
      const codings = listTokens(posted.message.head.headers, 'transfer-encoding')
      if (codings.includes('chunked')) {
        return violates(
          'Content-Length (or a 411/502) toward an origin that answered HTTP/1.0',
          `the origin received Transfer-Encoding: ${codings.join(', ')}`,
        )
      }
      if (!hasField(posted.message.head.headers, 'content-length'))
        return violates('a Content-Length-framed body', 'no Content-Length either')
      if (isTimeout(second)) return timedOut('the answer to the POST', second.afterMs)
      return conforms('the body went with Content-Length')
    },
  }),
]
