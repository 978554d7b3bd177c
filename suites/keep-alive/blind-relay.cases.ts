// RFC 9112 App. C.2.2 and RFC 9110 §7.6.1; HTTP: The Definitive Guide ch. 4
// "Keep-Alive and Dumb Proxies" and ch. 8 "Relays" (Fig. 8-14). A proxy that
// passes a 1.0 client's keep-alive to a 1.0 origin and then waits for the
// origin to close leaves the client hanging on its next request.
import { http, HttpResponse } from 'msw'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { fieldValues, listTokens } from '../../harness/wire/fields.js'
import { originRequest, responseOf } from '../support/request.js'

const BODY = 'ten bytes!'
/** The client's Keep-Alive parameters, distinctive enough to recognise at the origin. */
const CLIENT_KEEP_ALIVE = 'timeout=60'

// The MUST binds a gateway too: RFC 9110 §7.6.1 "Intermediaries MUST parse a
// received Connection header field before a message is forwarded and, for
// each connection-option in this field, remove any header or trailer field(s)
// from the message with the same name as the connection-option, and then
// remove the Connection header field itself"; the response ends by its
// Content-Length (RFC 9112 §6.3, any recipient).
export const blindRelayCases = [
  defineCase({
    id: 'no-dumb-proxy-keep-alive-hang',
    title:
      'A 1.0 client keep-alive is not passed to a 1.0 origin, and the exchange ends by framing, not by waiting for the origin to close',
    requirements: ['KA-06'],
    spec: [
      { rfc: 9112, section: 'C.2.2' },
      { rfc: 9110, section: '7.6.1' },
    ],
    requirement:
      'A proxy MUST NOT forward a client keep-alive (Connection: keep-alive, Keep-Alive) and must end a response by its framing, not by the origin closing.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // The origin is the 1.0 server of the book: it honours keep-alive when asked and then holds the socket.
      ctx.origin.behave({
        kind: 'routes',
        handlers: [http.all('*', () => new HttpResponse(BODY))],
        policy: { version: 'HTTP/1.0', persistence: 'honour' },
      })
      const keepAlive = [
        ['Connection', 'keep-alive'],
        ['Keep-Alive', CLIENT_KEEP_ALIVE],
      ] as const
      const client = await ctx.connect()
      await client.write(
        originRequest(ctx, { suffix: 'first', version: 'HTTP/1.0', headers: keepAlive }),
      )
      const seen = await ctx.origin.nextRequest()
      if (isTimeout(seen)) return timedOut('the first request to reach the origin', seen.afterMs)
      // A proxy may ask the origin for keep-alive itself (its own Connection: keep-alive,
      // RFC 9112 §9.3, App. C.2.2); what tells the client's option passed on blindly is the
      // client's own Keep-Alive parameters arriving, and the hang that follows (judged below).
      const upstream = seen.message.head.headers
      const relayed = fieldValues(upstream, 'keep-alive').some(
        (v) => v.replace(/\s+/g, '').toLowerCase() === CLIENT_KEEP_ALIVE,
      )
      const forwarded = relayed
        ? [
            ...(listTokens(upstream, 'connection').includes('keep-alive')
              ? ['Connection: keep-alive']
              : []),
            `the client's Keep-Alive: ${CLIENT_KEEP_ALIVE}`,
          ]
        : []
      const ownKeepAlive =
        !relayed && listTokens(upstream, 'connection').includes('keep-alive')
          ? `its own Connection: keep-alive to the origin (${seen.message.head.version}), without the client's Keep-Alive parameters`
          : undefined
      const read = responseOf(await client.readResponse(), 'the first response')
      if (read.body.toString('latin1') !== BODY) {
        return violates(`the ${BODY.length}-byte body`, `${read.body.length} bytes`)
      }
      // The client now does what the response told it: reuse the connection, or wait for the close.
      const promised = listTokens(read.head.headers, 'connection').includes('keep-alive')
      let hang: string | undefined
      if (promised) {
        await client.write(
          originRequest(ctx, { suffix: 'second', version: 'HTTP/1.0', headers: keepAlive }),
        )
        const second = await client.readResponse({ timeoutMs: ctx.quietMs })
        if (second.kind === 'timeout') {
          hang = `the response promised keep-alive, and the next request on that connection got no answer within ${ctx.quietMs} ms`
        }
      } else {
        const closed = await client.waitForClose({ timeoutMs: ctx.quietMs })
        if (isTimeout(closed)) {
          hang = `the response promised no keep-alive, yet the connection was not closed within ${ctx.quietMs} ms (the client waits for the origin's idle timeout)`
        }
      }
      if (forwarded.length > 0 || hang !== undefined) {
        return violates(
          "the client's keep-alive not passed to the 1.0 origin, and a complete exchange without waiting for the origin to close",
          [
            ...(forwarded.length > 0 ? [`the origin received ${forwarded.join(' and ')}`] : []),
            ...(hang === undefined ? [] : [hang]),
          ].join('; '),
        )
      }
      return conforms(ownKeepAlive)
    },
  }),
]
