// RFC 9112 §9.3 (and §6.3, the framing that makes the rest of the body a body):
// an intermediary that answers before it has read the whole request body
// reads and discards the rest, or closes. The unread bytes are never parsed
// as the next request: that is the CL.0 class of request smuggling [B48].
import { defineCase } from '../../harness/model/case.js'
import type { CaseContext } from '../../harness/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/model/outcome.js'
import { requestBytes, responseBytes } from '../../harness/wire/serialize.js'
import { closeWithin, requestsTo } from '../support/keep-alive.js'
import { originRequest, responseOrOutcome, statusLine } from '../support/request.js'

/**
 * Sends `POST <target>` with a Content-Length whose body is itself a request
 * for …/smuggled, head first and the body only once an early answer is in
 * (so the target cannot have read it before answering). A target that waits
 * for the body gets it after `quietMs`, and then it is simply a body.
 */
async function bodyAfterEarlyAnswer(ctx: CaseContext, postTarget: string): Promise<Outcome> {
  const smuggled = requestBytes({
    method: 'GET',
    target: ctx.requestTarget(ctx.path('smuggled')),
    headers: [['Host', ctx.originHost]],
  })
  const client = await ctx.connect()
  await client.write(
    requestBytes({
      method: 'POST',
      target: postTarget,
      headers: [
        ['Host', new URL(postTarget, `http://${ctx.originHost}`).host],
        ['Content-Length', String(smuggled.length)],
      ],
    }),
  )
  const first = await client.readResponse({ timeoutMs: ctx.quietMs })
  await client.write(smuggled)
  const early = responseOrOutcome(
    first.kind === 'timeout' ? await client.readResponse() : first,
    'an answer to the POST',
  )
  if ('outcome' in early) return early.outcome
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
}

const common = {
  suite: 'keep-alive',
  requirements: ['KA-12'],
  spec: [
    { rfc: 9112, section: '9.3' },
    { rfc: 9112, section: '6.3' },
  ],
  requirement:
    'A server that responds before reading the entire request body MUST either read and discard the rest or close the connection; leftover body bytes are never a request.',
  level: 'MUST',
} as const

export const earlyResponseCases = [
  defineCase({
    ...common,
    id: 'keep-alive/early-response-body-not-parsed-as-request',
    title:
      'The origin answers 403 before the request body was sent: the body, itself a request, is never parsed as the next request',
    roles: ['forward', 'reverse'],
    run(ctx) {
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
      return bodyAfterEarlyAnswer(ctx, ctx.requestTarget(ctx.path('deny')))
    },
  }),
  defineCase({
    ...common,
    id: 'keep-alive/refusal-body-not-parsed-as-request',
    title:
      'A forward proxy refuses POST http://o.test/deny itself (o.test never resolves, RFC 6761): the unread body, itself a request, is never parsed as the next request',
    roles: ['forward'],
    run: (ctx) => bodyAfterEarlyAnswer(ctx, `http://o.test${ctx.path('deny')}`),
  }),
]
