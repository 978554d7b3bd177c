// RFC 9110 §7.6.1 and RFC 9112 §9.3, §9.6: persistence is agreed on each hop
// separately. A client's close is this hop's business; an origin's close is
// passed on only if the intermediary really closes the client connection.
import { http, HttpResponse } from 'msw'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { listTokens } from '../../harness/wire/fields.js'
import { closeWithin, saysConnection } from '../support/keep-alive.js'
import { originRequest, responseOf } from '../support/request.js'

export const perHopCases = [
  defineCase({
    id: 'client-close-not-forwarded-inbound',
    title:
      "A client's Connection: close is not passed to the origin, unless the intermediary closes that upstream connection itself",
    requirements: ['KA-02'],
    spec: [
      { rfc: 9110, section: '7.6.1' },
      { rfc: 9112, section: '9.3' },
    ],
    requirement:
      'Connection options apply to one hop: an intermediary MUST remove the client\'s Connection field; a "close" it sends inbound must be its own, followed by closing that connection.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // An origin that never closes by itself: whatever closes the upstream connection is the target.
      ctx.origin.behave({
        kind: 'routes',
        handlers: [http.all('*', () => new HttpResponse('ok'))],
        policy: { persistence: 'ignore-close' },
      })
      const client = await ctx.connect()
      await client.write(
        originRequest(ctx, { suffix: 'close', headers: [['Connection', 'close']] }),
      )
      const seen = await ctx.origin.nextRequest()
      if (isTimeout(seen)) return timedOut('the request to reach the origin', seen.afterMs)
      responseOf(await client.readResponse(), 'the response')
      if (!listTokens(seen.message.head.headers, 'connection').includes('close')) return conforms()
      // "close" reached the origin: fine only if the target meant it and closes that connection.
      const closed = await ctx.origin.connectionClosed(seen.conn, ctx.quietMs)
      if (closed === 'peer') return conforms('the target sent its own close upstream and closed')
      return violates(
        "no Connection: close at the origin, or the target's own close followed by closing the upstream connection",
        `the origin received Connection: close on ${seen.conn}, and the target kept that connection open ${ctx.quietMs} ms (the client's close was forwarded)`,
      )
    },
  }),
  defineCase({
    id: 'origin-close-is-per-hop',
    title:
      "An origin's Connection: close reaches the client only when the intermediary really closes the client connection",
    requirements: ['KA-02'],
    spec: [
      { rfc: 9110, section: '7.6.1' },
      { rfc: 9112, section: '9.6' },
    ],
    requirement:
      'The origin\'s "close" is that hop\'s: the client either gets no close and may reuse its connection, or gets close and the intermediary MUST then close.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave({
        kind: 'routes',
        handlers: [http.all('*', () => new HttpResponse('ok'))],
        policy: { persistence: 'close' },
      })
      const client = await ctx.connect()
      await client.write(originRequest(ctx, { suffix: 'first' }))
      const read = responseOf(await client.readResponse(), 'the response')
      if (saysConnection(read, 'close')) {
        const how = await closeWithin(client, ctx.quietMs)
        if (how !== 'open') return conforms('close passed on, and the client connection closed')
        return violates(
          'EOF after a response that says Connection: close',
          `the client connection stayed open ${ctx.quietMs} ms after it`,
        )
      }
      // No close: the client connection must be usable although the upstream one is gone.
      await client.write(originRequest(ctx, { suffix: 'second' }))
      responseOf(
        await client.readResponse(),
        'an answer to a second request on the connection the response left open',
      )
      return conforms('close kept to its hop')
    },
  }),
]
