// RFC 9112 §9.3 (and §6.3, the framing that makes the rest of the body a body):
// an intermediary that answers before it has read the whole request body
// reads and discards the rest, or closes. The unread bytes are never parsed
// as the next request: that is the CL.0 class of request smuggling [B48].
// The same rule binds the target as the client of its upstream connection: a
// connection that still owes body bytes is not reused for another request,
// or the origin reads that request as the body.
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, observed, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { requestBytes, responseBytes } from '../../harness/wire/serialize.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { HttpMessage, RequestHead } from '../../harness/wire/types.js'
import { closeWithin, requestsTo } from '../support/keep-alive.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import { provenance } from '../support/provenance.js'

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
  const answer = first.kind === 'timeout' ? await client.readResponse() : first
  responseOf(answer, 'an answer to the POST')
  /** The POST's answer: the origin's relayed (its early 403), or the target's own. */
  const posted = provenance(answer, ctx.origin.requests())
  // A conformant target has closed, or reads the body as a body and then serves a real request.
  const next = await client.readResponse({ timeoutMs: ctx.quietMs })
  const seen = requestsTo(ctx, 'smuggled')
  if (seen.length > 0) {
    return violates(
      'the body never parsed as a request',
      `the origin received GET …/smuggled on ${seen[0]?.conn ?? '?'}; after the POST's answer, ${provenance(next, seen)}`,
    )
  }
  if (next.kind === 'response') {
    return violates(
      'no answer to bytes that were a request body',
      `a second response: ${provenance(next, seen)}`,
    )
  }
  if (next.kind === 'closed') return conforms(`${posted}, then the close`)
  // Still open: it must handle a real request normally (it read the body as a body).
  await client.write(originRequest(ctx, { suffix: 'real' }))
  const real = await client.readResponse()
  if (real.kind === 'response' && requestsTo(ctx, 'real').length > 0)
    return conforms(`${posted}; the body was read as a body, and the next real request was served`)
  if (real.kind === 'closed' || (await closeWithin(client, 0)) !== 'open')
    return conforms(`${posted}; then the connection closed`)
  return violates(
    'the connection closed, or a real request after the body served normally',
    real.kind === 'response' ? statusLine(real.message) : real.kind,
  )
}

/** The POST body the upstream connection owes; short, so a request sent in its place is read as it. */
const OWED_BODY = 'deny=me!'

/**
 * KA-12 upstream: the origin answers 403 at the POST's head (keep-alive); the
 * body is sent only after the answer, then a second client connection asks
 * for …/next. What the origin reads on the POST's connection after its answer
 * is the verdict: the client's body (then maybe the next request), or a close.
 */
async function upstreamAfterEarlyAnswer(ctx: CaseContext): Promise<Outcome> {
  let rest: { readonly message: HttpMessage<RequestHead>; readonly conn: string } | undefined
  let restSeen: () => void = () => undefined
  const restArrived = new Promise<void>((resolve) => (restSeen = resolve))
  ctx.origin.behave({
    kind: 'raw',
    on: 'head',
    respond(request, connection) {
      const deny = request.message.head.target.endsWith('/deny')
      connection.write(
        deny
          ? responseBytes({ status: 403, headers: [['Content-Length', '6']], body: 'denied' })
          : responseBytes({ status: 200, headers: [['Content-Length', '2']], body: 'ok' }),
      )
    },
    rest(message, request) {
      if (!request.message.head.target.endsWith('/deny')) return
      rest = { message, conn: request.conn }
      restSeen()
    },
  })
  const c1 = await ctx.connect()
  await c1.write(
    originRequest(ctx, {
      method: 'POST',
      suffix: 'deny',
      headers: [['Content-Length', String(OWED_BODY.length)]],
    }),
  )
  const early = await c1.readResponse({ timeoutMs: ctx.quietMs })
  if (c1.peerState === 'open') await c1.write(OWED_BODY).catch(() => undefined)
  const answer = early.kind === 'timeout' ? await c1.readResponse() : early
  const posted = requestsTo(ctx, 'deny')[0]
  if (posted === undefined) return observed(`${provenance(answer, [])}; nothing to judge`)
  // Settled: the body went upstream, or the connection closed (a pooled one stays quiet: the failure path).
  await Promise.race([restArrived, ctx.origin.connectionClosed(posted.conn, ctx.quietMs)])
  const c2 = await ctx.connect()
  await c2.write(originRequest(ctx, { suffix: 'next' }))
  const next = await c2.readResponse({ timeoutMs: ctx.quietMs })
  ctx.note(
    `POST …/deny on ${posted.conn}: ${provenance(answer, [posted])}${early.kind === 'timeout' ? ' (only after sending the body)' : ' before sending the body'}; GET …/next on a second client connection got ${next.kind === 'response' ? statusLine(next.message) : next.kind}`,
  )
  const restBody = rest?.message.body.toString('latin1')
  // An incomplete body is the connection closing mid-body: what came is the client's bytes, or none.
  if (restBody !== undefined && !OWED_BODY.startsWith(restBody)) {
    return violates(
      `nothing but the POST's own ${OWED_BODY.length}-byte body on ${posted.conn} after the early 403`,
      `the origin read ${JSON.stringify(restBody)} as that body: the target sent other bytes (its next request) on an upstream connection that still owed the request body`,
    )
  }
  const later = ctx.origin
    .requests()
    .filter((r) => r.conn === posted.conn && r.connSeq > posted.connSeq)
  const stray = later.find((r) => !r.message.head.target.endsWith('/next'))
  if (stray !== undefined) {
    return violates(
      `nothing but the POST's body, then whole requests, on ${posted.conn}`,
      `the origin parsed ${JSON.stringify(stray.message.head.raw.toString('latin1').split('\r\n')[0])} on it`,
    )
  }
  if (early.kind === 'timeout')
    return conforms(
      'the target forwarded the POST with its whole body: no body bytes were owed upstream',
    )
  const closed = await ctx.origin.connectionClosed(posted.conn, 0)
  if (rest?.message.complete === true)
    return conforms(
      `the target forwarded the rest of the body after the early 403${later.length > 0 ? `, then reused ${posted.conn} for GET …/next` : ''}`,
    )
  return conforms(
    isTimeout(closed)
      ? `${posted.conn} carried nothing more after the early 403`
      : `the target closed ${posted.conn} after the early 403`,
  )
}

const common = {
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
    id: 'early-response-body-not-parsed-as-request',
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
    id: 'refusal-body-not-parsed-as-request',
    title:
      'A forward proxy refuses POST http://o.test/deny itself (o.test never resolves, RFC 6761): the unread body, itself a request, is never parsed as the next request',
    roles: ['forward'],
    run: (ctx) => bodyAfterEarlyAnswer(ctx, `http://o.test${ctx.path('deny')}`),
  }),
  defineCase({
    ...common,
    id: 'early-response-upstream-not-reused-owing-body',
    title:
      'The origin answers 403 before the POST body was sent: the target does not send its next request on that upstream connection while it still owes the body',
    requirement:
      "A request with Content-Length ends only after that many octets of content (RFC 9112 §6.3), and a server that answered it early goes on reading them (§9.3: it MUST read and discard the rest, or close): the intermediary, as the upstream connection's client, sends the rest of the body or closes that connection, never another request on it.",
    roles: ['forward', 'reverse'],
    run: upstreamAfterEarlyAnswer,
  }),
]
