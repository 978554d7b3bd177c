// RFC 9112 §9.3, §9.6: nothing more is sent on an upstream connection whose
// response said close. §9.4: upstream connections are bounded and reused.
import { http, HttpResponse } from 'msw'
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  outcomeOf,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { saysConnection } from '../support/keep-alive.js'
import { originRequest, responseOf } from '../support/request.js'

const CLIENTS = 3
const REQUESTS_EACH = 4

export const upstreamReuseCases = [
  defineCase({
    id: 'no-reuse-after-upstream-close',
    title:
      'After an upstream response with Connection: close, the next request goes on a new upstream connection even if the origin left the old one open',
    requirements: ['KA-04'],
    spec: [
      { rfc: 9112, section: '9.6' },
      { rfc: 9112, section: '9.3' },
    ],
    requirement:
      'A client (here the intermediary, toward the origin) that receives a "close" connection option MUST stop sending requests on that connection.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // Says close and keeps its socket open: only the target's own decision keeps it off this connection.
      ctx.origin.behave({
        kind: 'raw',
        respond(request, connection) {
          const close = request.message.head.target.endsWith('/first')
          connection.write(
            responseBytes({
              status: 200,
              headers: [
                ['Content-Length', '2'],
                ...(close ? [['Connection', 'close'] as const] : []),
              ],
              body: 'ok',
            }),
          )
        },
      })
      let client = await ctx.connect()
      const conns: string[] = []
      let replace = false
      let retried = false
      for (const suffix of ['first', 'second']) {
        // The client side is not under test: a client connection the target closed, or
        // said it would close, is replaced, as any client does (RFC 9112 §9.3, §9.3.1).
        if (replace || client.peerState !== 'open') client = await ctx.connect()
        const request = originRequest(ctx, { suffix })
        await client.write(request)
        const atOrigin = ctx.origin.nextRequest()
        let answer = client.readResponse()
        // Whichever comes first decides: the request at the origin, or the client connection's end.
        const first = await Promise.race([
          atOrigin.then(() => 'origin' as const),
          answer.then(() => 'client' as const),
        ])
        if (first === 'client') {
          const early = await answer
          if (suffix === 'second' && early.kind === 'closed' && early.partial.length === 0) {
            // Closed without an answer before forwarding: a GET is retried on a new
            // client connection (RFC 9112 §9.3.1); the upstream choice is what is judged.
            retried = true
            client = await ctx.connect()
            await client.write(request)
            answer = client.readResponse()
          } else if (early.kind !== 'timeout') {
            const got = responseOf(early, `the ${suffix} response`)
            return violates(
              `the ${suffix} request forwarded to the origin`,
              `the target answered ${got.head.status} without forwarding it`,
            )
          }
        }
        const seen = await atOrigin
        if (isTimeout(seen)) return timedOut(`the ${suffix} request at the origin`, seen.afterMs)
        conns.push(seen.conn)
        const read = responseOf(await answer, `the ${suffix} response`)
        replace = saysConnection(read, 'close')
      }
      if (conns[0] === conns[1]) {
        return violates(
          'the second request on a new upstream connection',
          `it was written on ${conns[0] ?? '?'}, whose response said Connection: close`,
        )
      }
      return conforms(
        retried
          ? 'the target closed the client connection on the second request without an answer; sent again on a new client connection, it went on a new upstream connection'
          : undefined,
      )
    },
  }),
  defineCase({
    id: 'reuses-upstream-connections',
    title: `${CLIENTS} keep-alive clients with ${REQUESTS_EACH} requests each do not cost one upstream connection per request`,
    requirements: ['KA-14'],
    spec: [{ rfc: 9112, section: '9.4' }],
    requirement:
      'A client (here the intermediary) ought to limit the number of simultaneous open connections it maintains to a given server, and reuse them.',
    level: 'INFO',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave({ kind: 'routes', handlers: [http.all('*', () => new HttpResponse('ok'))] })
      const one = async (n: number): Promise<Outcome> => {
        const client = await ctx.connect()
        for (let i = 0; i < REQUESTS_EACH; i += 1) {
          await client.write(originRequest(ctx, { suffix: `c${n}-r${i}` }))
          responseOf(await client.readResponse(), `response ${i + 1} of client ${n + 1}`)
        }
        return conforms()
      }
      // Every client runs to its end; the first (in client order) that ended early decides.
      const outcomes = await Promise.all(
        Array.from({ length: CLIENTS }, (_, n) => outcomeOf(one(n))),
      )
      const failed = outcomes.find((o) => o.kind !== 'conforms')
      if (failed !== undefined) return failed
      const requests = ctx.origin.requests()
      const conns = new Set(requests.map((r) => r.conn)).size
      const summary = `${conns} upstream connections for ${requests.length} requests`
      if (requests.length >= CLIENTS * REQUESTS_EACH && conns >= requests.length) {
        return violates(
          'upstream connections reused across requests',
          `${summary}: one per request`,
        )
      }
      return conforms(summary)
    },
  }),
]
