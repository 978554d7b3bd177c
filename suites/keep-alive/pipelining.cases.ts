// RFC 9112 §9.3.2: pipelined requests are answered in the order received,
// even when the intermediary works on them in parallel; after an inbound
// failure with a non-idempotent request in the pipeline, it forwards the
// responses it has and closes.
import { http, HttpResponse } from 'msw'
import { defineCase } from '../../harness/model/case.js'
import { conforms, violates } from '../../harness/model/outcome.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { originDelay, requestsTo } from '../support/keep-alive.js'
import { originRequest, responseOrOutcome, statusLine } from '../support/request.js'

/** Long enough that a target working in parallel answers #2 and #3 first; short enough to be cheap. */
const FIRST_DELAY_MS = 40
/** The pipelined POST's body. */
const POST_BODY = 'order=1'

export const pipeliningCases = [
  defineCase({
    id: 'keep-alive/pipelined-responses-in-order',
    suite: 'keep-alive',
    title: 'Three pipelined GETs are answered 1, 2, 3 although the origin is slowest with #1',
    requirements: ['KA-10'],
    spec: [{ rfc: 9112, section: '9.3.2' }],
    requirement:
      'A server MUST send its responses to pipelined requests in the same order that the requests were received.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave({
        kind: 'routes',
        handlers: [
          http.all('*', async ({ request }) => {
            const n = new URL(request.url).pathname.split('/').pop() ?? ''
            if (n === 'r1') await originDelay(FIRST_DELAY_MS)
            return new HttpResponse(`body of ${n}`)
          }),
        ],
      })
      const client = await ctx.connect()
      await client.write(
        Buffer.concat(['r1', 'r2', 'r3'].map((suffix) => originRequest(ctx, { suffix }))),
      )
      const bodies: string[] = []
      for (let i = 1; i <= 3; i += 1) {
        const read = responseOrOutcome(await client.readResponse(), `response ${i} of 3`)
        if ('outcome' in read) return read.outcome
        bodies.push(read.message.body.toString('latin1'))
      }
      const expected = ['body of r1', 'body of r2', 'body of r3']
      if (bodies.join('|') === expected.join('|')) return conforms()
      return violates(`responses in request order: ${expected.join(', ')}`, bodies.join(', '))
    },
  }),
  defineCase({
    id: 'keep-alive/pipeline-ends-after-failed-post',
    suite: 'keep-alive',
    title:
      'GET, POST, GET pipelined; the origin drops the connection on the POST: the client gets response 1, then the close, and the last GET is not processed',
    requirements: ['KA-10'],
    spec: [
      { rfc: 9112, section: '9.3.2' },
      { rfc: 9112, section: '9.3.1' },
    ],
    requirement:
      'After an inbound connection fails mid-pipeline with a non-idempotent request outstanding, an intermediary SHOULD forward the responses it received and then close the client connection.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave({
        kind: 'raw',
        respond(request, connection) {
          // The POST is read whole and the connection dropped without an answer.
          if (request.message.head.method === 'POST') return connection.end()
          connection.write(
            responseBytes({ status: 200, headers: [['Content-Length', '2']], body: 'ok' }),
          )
        },
      })
      const client = await ctx.connect()
      await client.write(
        Buffer.concat([
          originRequest(ctx, { suffix: 'one' }),
          // Framed by Content-Length: without it the body is zero-length (RFC 9112 §6.3
          // rule 7) and "order=1" would be read as the start of the next request-line.
          originRequest(ctx, {
            method: 'POST',
            suffix: 'two',
            headers: [['Content-Length', String(POST_BODY.length)]],
            body: POST_BODY,
          }),
          originRequest(ctx, { suffix: 'three' }),
        ]),
      )
      const first = responseOrOutcome(await client.readResponse(), 'response 1')
      if ('outcome' in first) return first.outcome
      // Then at most an error for the POST, and the close.
      const next = await client.readResponse({ timeoutMs: ctx.quietMs })
      const afterPost = next.kind === 'response' ? `, then ${statusLine(next.message)}` : ''
      const then =
        next.kind === 'response' ? await client.readResponse({ timeoutMs: ctx.quietMs }) : next
      const posts = requestsTo(ctx, 'two').length
      const three = requestsTo(ctx, 'three').length
      const problems = [
        ...(posts > 1 ? [`the origin saw the POST ${posts} times`] : []),
        ...(three > 0 ? ['the GET after the failed POST was forwarded'] : []),
        ...(then.kind === 'response' ? [`a third response (${statusLine(then.message)})`] : []),
        ...(then.kind === 'timeout' ? [`the connection stayed open ${ctx.quietMs} ms`] : []),
      ]
      if (problems.length === 0) return conforms(`response 1${afterPost}, then the close`)
      return violates(
        'response 1, at most an error for the POST, then the close',
        problems.join('; '),
      )
    },
  }),
]
