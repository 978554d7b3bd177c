// RFC 9112 §9.6: after a request with the close option, the server sends its
// response, closes, and processes nothing more from that connection.
// Not covered here: the SHOULD to mark that response "close" (a separate check).
import { defineCase } from '../../harness/model/case.js'
import { conforms, violates } from '../../harness/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { originRequest, responseOrOutcome } from '../support/request.js'

export const tearDownCases = [
  defineCase({
    id: 'keep-alive/closes-after-connection-close',
    suite: 'keep-alive',
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
      const read = responseOrOutcome(
        await client.readResponse(),
        'the response to the request that said close',
      )
      if ('outcome' in read) return read.outcome
      const closed = await client.waitForClose()
      const two = ctx.origin.requests().filter((r) => r.message.head.target.endsWith('/two'))
      if (two.length > 0) {
        return violates(
          'the request after the close never forwarded',
          `the origin received it on ${two[0]?.conn ?? '?'}`,
        )
      }
      if (isTimeout(closed)) {
        return violates(
          'EOF after the one response',
          `the connection stayed open ${Math.round(closed.afterMs)} ms after the response`,
        )
      }
      return conforms()
    },
  }),
]
