// RFC 9112 §9.3 (and §6.3, the framing that makes the rest of the body a body):
// an intermediary that answers before it has read the whole request body
// reads and discards the rest, or closes. The unread bytes are never parsed
// as the next request: that is the CL.0 class of request smuggling [B48].
import { defineCase } from '../../harness/model/case.js'
import { conforms, violates } from '../../harness/model/outcome.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { closeWithin, requestsTo } from '../support/keep-alive.js'
import { originRequest, responseOrOutcome, statusLine } from '../support/request.js'

export const earlyResponseCases = [
  defineCase({
    id: 'keep-alive/early-response-body-not-parsed-as-request',
    suite: 'keep-alive',
    title:
      'A 403 answered before the request body was sent: the body, itself a request, is never parsed as the next request',
    requirements: ['KA-12'],
    spec: [
      { rfc: 9112, section: '9.3' },
      { rfc: 9112, section: '6.3' },
    ],
    requirement:
      'A server that responds before reading the entire request body MUST either read and discard the rest or close the connection; leftover body bytes are never a request.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // The origin refuses at the head, before any body byte exists (a 403 from an ACL in front of it).
      ctx.origin.behave({
        kind: 'raw',
        on: 'head',
        respond(_request, connection) {
          connection.write(
            responseBytes({ status: 403, headers: [['Content-Length', '6']], body: 'denied' }),
          )
        },
      })
      const smuggled = requestBytes({
        method: 'GET',
        target: ctx.requestTarget(ctx.path('smuggled')),
        headers: [['Host', ctx.originHost]],
      })
      const client = await ctx.connect()
      // Head first, body only once the early answer is in: the target cannot have read it before answering.
      const post = originRequest(ctx, {
        method: 'POST',
        suffix: 'deny',
        headers: [['Content-Length', String(smuggled.length)]],
      })
      await client.write(post)
      const early = responseOrOutcome(await client.readResponse(), 'the early 403')
      if ('outcome' in early) return early.outcome
      await client.write(smuggled)
      // A conformant target has closed, or reads the body as a body and then serves a real request.
      const next = await client.readResponse({ timeoutMs: ctx.quietMs })
      const seen = requestsTo(ctx, 'smuggled')
      if (seen.length > 0) {
        return violates(
          'the body never parsed as a request',
          `the origin received GET …/smuggled on ${seen[0]?.conn ?? '?'}${next.kind === 'response' ? `, and the client got ${statusLine(next.message)} for it` : ''}`,
        )
      }
      if (next.kind === 'response') {
        return violates(
          'no answer to bytes that were a request body',
          `a second response: ${statusLine(next.message)}`,
        )
      }
      if (next.kind === 'closed') return conforms(`${statusLine(early.message)}, then the close`)
      // Still open: it must handle a real request normally (it read the body as a body).
      await client.write(originRequest(ctx, { suffix: 'real' }))
      const real = await client.readResponse()
      if (real.kind === 'response' && requestsTo(ctx, 'real').length > 0)
        return conforms('the body was read as a body, and the next real request was served')
      if (real.kind === 'closed' || (await closeWithin(client, 0)) !== 'open')
        return conforms('the connection closed')
      return violates(
        'the connection closed, or a real request after the body served normally',
        real.kind === 'response' ? statusLine(real.message) : real.kind,
      )
    },
  }),
]
