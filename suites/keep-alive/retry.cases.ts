// RFC 9110 §9.2.2: "A proxy MUST NOT automatically retry non-idempotent
// requests" (RFC 9112 §9.3.1 points there). That MUST binds the forward proxy.
// A gateway is not a proxy (RFC 9110 §3.7); as the client of its origin it is
// bound by the same section's "A client SHOULD NOT automatically retry a
// request with a non-idempotent method unless it has some means to know that
// the request semantics are actually idempotent ... or some means to detect
// that the original request was never applied": in reverse and tls-terminator
// a retry warns (gatewayAsClient). An origin that read the whole POST
// may well have acted on it, so the POST reaches the origin once, whatever
// happened to the upstream connection it went on.
//
// Every case runs two variants and reports each in the evidence:
// - fresh: the origin reads the POST and resets the connection unanswered;
// - reused: a GET first leaves a pooled keep-alive upstream connection; when
//   the POST arrives on it, the origin closes it without answering (the stale
//   keep-alive race every pool meets). A pool that retries "only on reuse"
//   shows here and nowhere else. A target that sends the POST on a new upstream
//   connection does not pool: the variant is not applicable, and says so.
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, observed, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginRequest } from '../../harness/origin/types.js'
import { listTokens } from '../../harness/wire/fields.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { gatewayAsClient } from '../support/proxy-sentence.js'
import { requestsTo } from '../support/keep-alive.js'
import { runVariants, type VariantResult } from '../support/variants.js'
import { originRequest, type OriginRequestSpec } from '../support/request.js'
import type { ReadResponseResult } from '../../harness/client/types.js'
import { provenance } from '../support/provenance.js'

/** The POST of a variant: a framed body (RFC 9112 §6.3), or an empty one said as Content-Length: 0. */
function post(suffix: string, body: string | undefined): OriginRequestSpec {
  return {
    method: 'POST',
    suffix,
    headers: [['Content-Length', String(body?.length ?? 0)]],
    ...(body === undefined ? {} : { body }),
  }
}

/** What the client got, and who produced it, against what the origin sent for these POSTs. */
function clientGot(answer: ReadResponseResult, posts: readonly OriginRequest[]): string {
  return provenance(answer, posts)
}

/** The grade shared by both variants, once the origin's view is known. */
function judge(
  ctx: CaseContext,
  posts: readonly OriginRequest[],
  answer: ReadResponseResult,
): VariantResult {
  const got = clientGot(answer, posts)
  if (posts.length > 1) {
    const where = posts.map((p) => `${p.conn}${p.connSeq > 1 ? ' (reused)' : ' (new)'}`)
    return gatewayAsClient(
      ctx,
      violates(
        'the origin sees the POST once',
        `it saw it ${posts.length} times, on ${where.join(', ')}; ${got}`,
      ),
      'SHOULD',
      'RFC 9110 §9.2.2 "A client SHOULD NOT automatically retry a request with a non-idempotent method"',
    )
  }
  // Any refusal is a correct answer to a dropped POST (which 5xx is not graded); a 2xx-4xx
  // would tell the client something the origin never said.
  if (answer.kind === 'response' && answer.message.head.status < 500)
    return violates('a 5xx or a close for a POST the origin dropped', got)
  if (answer.kind === 'timeout') return violates('a 5xx or a close', got)
  return conforms(`the origin saw the POST once; ${got}`)
}

/** The origin reads the POST whole and resets the connection without a response. */
async function freshVariant(ctx: CaseContext, body: string | undefined): Promise<VariantResult> {
  const client = await ctx.connect()
  await client.write(originRequest(ctx, post('post-fresh', body)))
  const answer = await client.readResponse()
  const posts = requestsTo(ctx, 'post-fresh')
  // Nothing forwarded: nothing to retry, and a refusal is a correct answer.
  if (posts.length === 0)
    return observed(`never forwarded: ${clientGot(answer, [])}; nothing to judge`)
  return judge(ctx, posts, answer)
}

/** A GET leaves a pooled connection; the POST on it is met by a close without an answer. */
async function reusedVariant(ctx: CaseContext, body: string | undefined): Promise<VariantResult> {
  let client = await ctx.connect()
  await client.write(originRequest(ctx, { suffix: 'warm' }))
  const warmed = await client.readResponse()
  if (warmed.kind !== 'response')
    return observed(`the warm-up GET got ${warmed.kind}: no pooled connection to test`)
  const warm = requestsTo(ctx, 'warm')[0]
  if (warm === undefined) return observed('the warm-up GET never reached the origin')
  const closes = listTokens(warm.message.head.headers, 'connection').includes('close')
  const closed = await ctx.origin.connectionClosed(warm.conn, 0)
  if (closes || !isTimeout(closed)) {
    return conforms(
      `not applicable: the target does not keep upstream connections alive (the warm-up GET ${closes ? 'said Connection: close' : `left ${warm.conn} closed`})`,
    )
  }
  if (client.peerState !== 'open') client = await ctx.connect()
  await client.write(originRequest(ctx, post('post-reused', body)))
  const answer = await client.readResponse()
  const posts = requestsTo(ctx, 'post-reused')
  const first = posts[0]
  if (first === undefined)
    return observed(`never forwarded: ${clientGot(answer, [])}; nothing to judge`)
  // The origin closes any reused connection the POST arrives on (another case's pooled one too).
  if (first.connSeq === 1) {
    return conforms(
      `not applicable: the POST went on a new upstream connection ${first.conn}, not the pooled ${warm.conn} (the target did not reuse one); ${posts.length === 1 ? 'the origin answered it once' : `the origin saw it ${posts.length} times`}`,
    )
  }
  return judge(ctx, posts, answer)
}

function behaveOrigin(ctx: CaseContext): void {
  ctx.origin.behave({
    kind: 'raw',
    respond(request, connection) {
      const target = request.message.head.target
      // Read whole, then dropped unanswered: processed or not, the proxy cannot tell.
      if (target.endsWith('/post-fresh')) return connection.reset()
      if (target.endsWith('/post-reused') && request.connSeq > 1) return connection.end()
      connection.write(
        responseBytes({ status: 200, headers: [['Content-Length', '2']], body: 'ok' }),
      )
    },
  })
}

async function postOnce(ctx: CaseContext, body: string | undefined): Promise<Outcome> {
  behaveOrigin(ctx)
  return runVariants(ctx, [
    ['fresh upstream connection reset', () => freshVariant(ctx, body)],
    ['pooled upstream connection closed on reuse', () => reusedVariant(ctx, body)],
  ])
}

const common = {
  requirements: ['KA-11'],
  spec: [
    { rfc: 9110, section: '9.2.2' },
    { rfc: 9112, section: '9.3.1' },
  ],
  level: 'MUST',
  roles: ['forward', 'reverse'],
} as const

export const retryCases = [
  defineCase({
    ...common,
    id: 'no-retry-of-post-with-body',
    title:
      'A POST with a Content-Length body is not sent again when its upstream connection fails unanswered, fresh or reused from the pool; the client gets a 5xx or a close',
    requirement: 'A proxy MUST NOT automatically retry non-idempotent requests (RFC 9110 §9.2.2).',
    run: (ctx) => postOnce(ctx, 'order=1&qty=1'),
  }),
  defineCase({
    ...common,
    id: 'no-retry-of-post-without-body',
    title: 'The same for a POST without a body (Content-Length: 0)',
    requirement:
      'A proxy MUST NOT automatically retry non-idempotent requests (RFC 9110 §9.2.2), a POST without a body included.',
    run: (ctx) => postOnce(ctx, undefined),
  }),
]
