// RFC 9112 §9.6: after a request with the close option, the server sends its
// response (preferably marked close), closes, and processes nothing more from
// that connection; a server that sends close itself closes too.
// Not here: KA-13's staged close. The RST of a non-staged close arrives with
// the response, and libuv reports a hang-up after a partial read as EOF, so a
// Node client cannot tell that RST from a FIN.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { closeWithin, requestsTo, saysConnection } from '../support/keep-alive.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'

export const tearDownCases = [
  defineCase({
    id: 'closes-after-connection-close',
    title:
      'After a request with Connection: close, one response comes back, then EOF; a pipelined request is never forwarded',
    requirements: ['KA-03'],
    spec: [{ rfc: 9112, section: '9.6' }],
    requirement:
      'A server that receives a close connection option MUST initiate closure after its response and MUST NOT process further requests on that connection.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      await client.write(
        Buffer.concat([
          originRequest(ctx, { suffix: 'one', headers: [['Connection', 'close']] }),
          originRequest(ctx, { suffix: 'two' }),
        ]),
      )
      responseOf(await client.readResponse(), 'the response to the request that said close')
      const how = await closeWithin(client, ctx.quietMs)
      const two = requestsTo(ctx, 'two')
      if (two.length > 0) {
        return violates(
          'the request after the close never forwarded',
          `the origin received it on ${two[0]?.conn ?? '?'}`,
        )
      }
      if (how === 'open') {
        return violates(
          'EOF after the one response',
          `the connection stayed open ${ctx.quietMs} ms after the response`,
        )
      }
      return conforms()
    },
  }),
  defineCase({
    id: 'marks-response-to-close-request',
    title: 'The response to a request with Connection: close says Connection: close',
    requirements: ['KA-03'],
    spec: [{ rfc: 9112, section: '9.6' }],
    requirement:
      'A server that receives a close connection option SHOULD send a "close" connection option in its final response on that connection.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      await client.write(originRequest(ctx, { headers: [['Connection', 'close']] }))
      const read = responseOf(await client.readResponse(), 'the response')
      if (saysConnection(read, 'close')) return conforms()
      return violates(
        'Connection: close on the final response',
        `the response's Connection field lists ${JSON.stringify(read.head.headers.filter((f) => f.name.toLowerCase() === 'connection').map((f) => f.value))}`,
      )
    },
  }),
  defineCase({
    id: 'closes-after-its-own-close',
    title:
      'When the intermediary itself answers with Connection: close (a 400 for a missing Host), it closes the connection',
    requirements: ['KA-03'],
    spec: [
      { rfc: 9112, section: '9.6' },
      { rfc: 9112, section: '3.2' },
    ],
    requirement:
      'A server that sends a "close" connection option MUST initiate closure of the connection after it sends that response.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      // RFC 9112 §3.2: a 1.1 request without Host gets a 400 from the intermediary itself.
      await client.write(originRequest(ctx, { noHost: true }))
      const read = responseOf(await client.readResponse(), 'an answer to a request with no Host')
      if (!saysConnection(read, 'close')) {
        return conforms(`${statusLine(read)} without close: nothing to hold it to`)
      }
      const how = await closeWithin(client, ctx.quietMs)
      if (how !== 'open') return conforms()
      return violates(
        `EOF after its own ${statusLine(read)} with Connection: close`,
        `the connection stayed open ${ctx.quietMs} ms after it`,
      )
    },
  }),
]
