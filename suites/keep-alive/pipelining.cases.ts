// RFC 9112 §9.3.2: pipelined requests are answered in the order received,
// even when the intermediary works on them in parallel. A server may close
// after any complete response (§9.6, §9.5): the client retries what was not
// answered, so a response marked close followed by the close is conformant.
// After an inbound failure with a non-idempotent request outstanding, a
// *pipelining* intermediary (one that had the later requests upstream already)
// forwards the responses it has and closes; one that forwards a request only
// after the one before was answered is not pipelining and that SHOULD does not
// bind it.
import { http, HttpResponse } from 'msw'
import type { RawClient } from '../../harness/client/types.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginRequest } from '../../harness/origin/types.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { closeWithin, originDelay, requestsTo, saysConnection } from '../support/keep-alive.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'

/** Long enough that a target working in parallel answers #2 and #3 first; short enough to be cheap. */
const FIRST_DELAY_MS = 40
const PIPELINE = ['r1', 'r2', 'r3'] as const

/**
 * Sends the pipeline, reads the responses in turn; after a clean close that
 * follows a complete response, sends what is unanswered again on a new
 * connection (pipelined again only after an explicit close, §9.3.2).
 */
async function inOrder(ctx: CaseContext): Promise<Outcome> {
  let pending: string[] = [...PIPELINE]
  const log: string[] = []
  let explicitClose = true
  for (let conn = 0; pending.length > 0 && conn < PIPELINE.length; conn += 1) {
    const client = await ctx.connect()
    const batch = explicitClose || conn === 0 ? pending : pending.slice(0, 1)
    await client.write(Buffer.concat(batch.map((suffix) => originRequest(ctx, { suffix }))))
    const answered: string[] = []
    for (const suffix of batch) {
      const result = await client.readResponse()
      if (result.kind === 'closed' && result.partial.length === 0 && answered.length > 0) break
      const read = responseOf(result, `the response to ${suffix} (${client.id})`)
      const body = read.body.toString('latin1')
      if (body !== `body of ${suffix}`)
        return violates(
          `responses in request order on ${client.id}: ${batch.map((s) => `body of ${s}`).join(', ')}`,
          `"${body}" where the response to ${suffix} belonged${log.length > 0 ? ` (after ${log.join('; ')})` : ''}`,
        )
      answered.push(suffix)
      explicitClose = saysConnection(read, 'close')
      if (explicitClose) break
    }
    log.push(
      `${client.id}: ${answered.join(', ')}${answered.length < batch.length ? `, then ${explicitClose ? 'Connection: close and ' : ''}the close` : ''}`,
    )
    pending = pending.filter((s) => !answered.includes(s))
  }
  if (pending.length > 0)
    return violates(
      'every pipelined request answered',
      `${pending.join(', ')} never answered (${log.join('; ')})`,
    )
  return conforms(
    log.length > 1 ? `answered in order, retried after a close: ${log.join('; ')}` : undefined,
  )
}

/** Reads what follows response 1: up to two more responses, then whether the connection closed. */
async function afterFirst(
  ctx: CaseContext,
  client: RawClient,
): Promise<{ readonly seen: string[]; readonly open: boolean }> {
  const seen: string[] = []
  for (let i = 0; i < 2; i += 1) {
    const next = await client.readResponse({ timeoutMs: ctx.quietMs })
    if (next.kind !== 'response') return { seen, open: next.kind === 'timeout' }
    seen.push(`${statusLine(next.message)} "${next.message.body.toString('latin1').slice(0, 40)}"`)
  }
  return { seen, open: (await closeWithin(client, ctx.quietMs)) === 'open' }
}

async function failedPost(ctx: CaseContext): Promise<Outcome> {
  let dropAt = Infinity
  let dropped: () => void = () => undefined
  const droppedPost = new Promise<void>((resolve) => (dropped = resolve))
  ctx.origin.behave({
    kind: 'raw',
    async respond(request, connection) {
      if (request.message.head.method !== 'POST') {
        connection.write(
          responseBytes({ status: 200, headers: [['Content-Length', '2']], body: 'ok' }),
        )
        return
      }
      // A pipelining target has GET …/three upstream already; give it the time to show it (a
      // serialising one never sends it before the POST is answered: the failure path waits).
      await arrivalOf(ctx, 'three', ctx.quietMs)
      dropAt = performance.now()
      connection.end()
      dropped()
    },
  })
  const client = await ctx.connect()
  await client.write(
    Buffer.concat([
      originRequest(ctx, { suffix: 'one' }),
      // Content-Length: 0, no body: a pipelining target has nothing to wait for before sending #3.
      originRequest(ctx, { method: 'POST', suffix: 'two', headers: [['Content-Length', '0']] }),
      originRequest(ctx, { suffix: 'three' }),
    ]),
  )
  responseOf(await client.readResponse(), 'response 1')
  // The origin holds the POST up to quietMs before dropping it: what follows is timed from the drop.
  await ctx.wait('the POST dropped at the origin', droppedPost, 2 * ctx.quietMs)
  const { seen, open } = await afterFirst(ctx, client)
  const posts = requestsTo(ctx, 'two').length
  const threes = requestsTo(ctx, 'three')
  const early = threes.filter((r) => r.at < dropAt)
  const story = `response 1, then ${seen.length > 0 ? `${seen.join(', then ')}, then ` : ''}${open ? `the connection open ${ctx.quietMs} ms` : 'the close'}; the origin saw the POST ${posts} time(s), GET …/three ${threes.length} time(s)`
  if (posts === 0) return conforms(`not applicable: the POST never reached the origin (${story})`)
  if (early.length === 0) {
    return conforms(
      `not applicable: the target forwarded nothing after the POST before the POST failed (it does not pipeline upstream, so the pipelining intermediary's SHOULD of RFC 9112 §9.3.2 does not bind it): ${story}`,
    )
  }
  const retried = threes.filter((r) => r.at >= dropAt)
  const problems = [
    ...(open ? [`the client connection stayed open ${ctx.quietMs} ms after the failure`] : []),
    ...(retried.length > 0
      ? [
          `GET …/three sent upstream again after the failure (${retried.map((r) => r.conn).join(', ')})`,
        ]
      : []),
    ...(posts > 1 ? [`the POST sent ${posts} times`] : []),
  ]
  if (problems.length === 0) return conforms(`pipelined upstream; ${story}`)
  return violates(
    'the responses received, then the close (nothing retried after the failed POST)',
    `${problems.join('; ')} (${story})`,
  )
}

/** Waits for the case's request ending in `/suffix` to reach the origin, or gives up after `withinMs`. */
async function arrivalOf(
  ctx: CaseContext,
  suffix: string,
  withinMs: number,
): Promise<OriginRequest | undefined> {
  const until = performance.now() + withinMs
  for (;;) {
    const left = until - performance.now()
    if (left <= 0) return undefined
    const request = await ctx.origin.nextRequest(left)
    if (isTimeout(request)) return undefined
    if (request.message.head.target.endsWith(`/${suffix}`)) return request
  }
}

export const pipeliningCases = [
  defineCase({
    id: 'pipelined-responses-in-order',
    title:
      'Three pipelined GETs are answered 1, 2, 3 although the origin is slowest with #1 (a close after a complete response is allowed: the rest is retried)',
    requirements: ['KA-10'],
    spec: [
      { rfc: 9112, section: '9.3.2' },
      { rfc: 9112, section: '9.6' },
    ],
    requirement:
      'A server MUST send the corresponding responses in the same order that the requests were received (RFC 9112 §9.3.2); it may close after any complete response, and the client retries the unanswered ones.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave({
        kind: 'routes',
        handlers: [
          http.all('*', async ({ request }) => {
            const n = new URL(request.url).pathname.split('/').pop() ?? ''
            if (n === 'r1') await originDelay(FIRST_DELAY_MS)
            return new HttpResponse(`body of ${n}`)
          }),
        ],
      })
      return inOrder(ctx)
    },
  }),
  defineCase({
    id: 'pipeline-ends-after-failed-post',
    title:
      'GET, POST, GET pipelined; the origin drops the connection on the POST: a target that had the last GET upstream already forwards what it has, then closes (graded only when it pipelines upstream)',
    requirements: ['KA-10'],
    spec: [
      { rfc: 9112, section: '9.3.2' },
      { rfc: 9110, section: '9.2.2' },
    ],
    requirement:
      'If the inbound connection fails before receiving a response, ... otherwise, the pipelining intermediary SHOULD forward any received responses and then close the corresponding outbound connection(s) (RFC 9112 §9.3.2).',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    run: failedPost,
  }),
]
