// RFC 9110 §9.2.2, RFC 9112 §9.3.1: an intermediary never retries a request
// with a non-idempotent method on its own, unless it knows the request was
// not processed; an origin that read the whole POST may well have acted on it.
import { defineCase } from '../../harness/model/case.js'
import type { CaseContext } from '../../harness/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/model/outcome.js'
import { requestsTo } from '../support/keep-alive.js'
import { originRequest, statusLine } from '../support/request.js'

async function postOnce(ctx: CaseContext, body: string | undefined): Promise<Outcome> {
  // Reads the whole POST, then RST without a response: processed or not, the proxy cannot tell.
  ctx.origin.behave({ kind: 'raw', respond: (_request, connection) => connection.reset() })
  const client = await ctx.connect()
  await client.write(
    originRequest(ctx, {
      method: 'POST',
      suffix: 'post',
      ...(body === undefined ? { headers: [['Content-Length', '0']] } : { body }),
    }),
  )
  const answer = await client.readResponse()
  const got =
    answer.kind === 'response'
      ? statusLine(answer.message)
      : answer.kind === 'closed'
        ? `a close (${answer.how})`
        : answer.kind
  const seen = requestsTo(ctx, 'post').length
  // The drop happens at the origin: a target that never forwarded the POST proves nothing.
  if (seen === 0)
    return violates(
      'the POST forwarded once',
      `the origin never received it; the client got ${got}`,
    )
  if (seen > 1) {
    return violates(
      'the origin sees the POST once',
      `it saw it ${seen} times; the client got ${got}`,
    )
  }
  if (answer.kind === 'response' && answer.message.head.status < 500) {
    return violates('a 5xx or a close for a POST the origin dropped', got)
  }
  if (answer.kind === 'timeout') return violates('a 5xx or a close', 'no answer at all')
  return conforms(`the origin saw the POST once; the client got ${got}`)
}

export const retryCases = [
  defineCase({
    id: 'keep-alive/no-retry-of-post-with-body',
    suite: 'keep-alive',
    title:
      'A POST whose upstream connection is reset after the origin read it is not sent again; the client gets a 5xx or a close',
    requirements: ['KA-11'],
    spec: [
      { rfc: 9112, section: '9.3.1' },
      { rfc: 9110, section: '9.2.2' },
    ],
    requirement: 'A proxy MUST NOT automatically retry non-idempotent requests (RFC 9112 §9.3.1).',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) => postOnce(ctx, 'order=1&qty=1'),
  }),
  defineCase({
    id: 'keep-alive/no-retry-of-post-without-body',
    suite: 'keep-alive',
    title: 'The same for a POST with an empty body (Content-Length: 0)',
    requirements: ['KA-11'],
    spec: [
      { rfc: 9112, section: '9.3.1' },
      { rfc: 9110, section: '9.2.2' },
    ],
    requirement:
      'A proxy MUST NOT automatically retry non-idempotent requests, a POST without a body included.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) => postOnce(ctx, undefined),
  }),
]
