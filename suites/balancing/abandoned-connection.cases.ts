import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import type { Backend } from '../../harness/backends/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { backendsOf, foreignId, requestId } from './lb.js'

/** Longest declared response timeout the timeout variant waits out (the case's budget). */
const MAX_RESPONSE_MS = 2000

/** How long the requests after the abandoned one wait for their answers, each. */
const FOLLOW_UP_MS = 2500

/** What one abandoned request and the requests after it showed. */
interface VariantResult {
  readonly mixups: readonly string[]
  readonly hang?: string
}

/**
 * Request `abandoned` is held by the backend for `lateMs` while the balancer
 * gives up on it (`giveUp`: its timeout, or the client's abort); then three
 * more requests, each on its own client connection, must each get their own
 * answer (or an error), never the late one or a neighbour's.
 */
async function abandonThenAsk(
  ctx: CaseContext,
  backend: Backend,
  variant: string,
  lateMs: number,
  giveUp: (client: Awaited<ReturnType<CaseContext['connect']>>) => Promise<void>,
): Promise<VariantResult> {
  const abandoned = requestId(ctx, `${variant}-a`)
  backend.slow(lateMs)
  const first = await ctx.connect()
  await first.write(lbRequest(abandoned, { host: ctx.originHost }))
  const arrived = await backend.waitForRequest(abandoned, Math.min(2000, ctx.remainingMs()))
  // Only the abandoned request is late: the backend answers the next ones at once.
  backend.slow(0)
  if ('kind' in arrived) return { mixups: [], hang: `${abandoned} at ${backend.name}` }
  await giveUp(first)
  const mixups: string[] = []
  for (const suffix of ['b', 'c', 'd']) {
    const id = requestId(ctx, `${variant}-${suffix}`)
    const client = await ctx.connect()
    await client.write(lbRequest(id, { host: ctx.originHost }))
    const answer = await client.readResponse({
      timeoutMs: Math.max(0, Math.min(FOLLOW_UP_MS, ctx.remainingMs() - 100)),
    })
    await client.close()
    if (answer.kind === 'timeout') return { mixups, hang: `an answer to ${id}` }
    if (answer.kind !== 'response') {
      ctx.note(`${variant}: ${id} ${answer.kind}`)
      continue
    }
    const response = parseLbResponse(answer.message)
    ctx.note(`${variant}: ${id} answered ${response.status} naming ${response.id ?? 'no id'}`)
    const other = foreignId(ctx, id, response)
    if (other !== undefined) {
      mixups.push(`${variant}: ${id} got the response of ${other} (${response.status})`)
    }
  }
  // INFO (catalog LB-05): whether the abandoned request's upstream connection was closed.
  const conn = backend.requests.find((r) => r.id === abandoned)?.conn
  const record = backend.connections.find((c) => c.id === conn)
  const closedBy =
    record?.closedBy === undefined
      ? 'still open'
      : `closed (${record.how ?? 'fin'}) by the ${record.closedBy === 'peer' ? 'balancer' : 'backend'}`
  ctx.note(
    `${variant}: upstream connection ${conn ?? '?'} of ${abandoned}, ${Math.round(performance.now() - arrived.arrivedAt)} ms after it arrived: ${closedBy}`,
  )
  return { mixups }
}

export const abandonedConnectionCases = [
  defineCase({
    id: 'abandoned-connection-not-reused',
    title:
      'An upstream connection the balancer gave up on (response timeout, client abort) never carries its late response to another request',
    requirements: ['LB-05'],
    spec: [
      { rfc: 9112, section: '9.3' },
      { rfc: 9112, section: '9.6' },
    ],
    // LB-05 (RFC 9112 §9.3: responses on a connection arrive in the order of its
    // requests, so a client may reuse a connection only once the previous response has
    // been read whole; §9.6: a connection whose exchange was abandoned is closed): when
    // the balancer gives up on an upstream request, that connection must not go back
    // to the pool, or the late response answers the next request. Graded: no client
    // ever receives another request's response (MUST). INFO: whether the balancer
    // closed the abandoned connection.
    requirement:
      'When the balancer gives up on an upstream request it does not reuse that connection: a late response never reaches another request',
    level: 'MUST',
    roles: ['balancer'],
    // One backend: every request goes where the abandoned connection is.
    balancer: {
      primaries: 1,
      profile: { policy: 'round-robin', timeouts: { response_ms: 600 } },
    },
    timeoutMs: 9000,
    async run(ctx): Promise<Outcome> {
      const backend = backendsOf(ctx).primaries[0]
      if (backend === undefined) throw new Error('[proxyspec] no primary backend')
      const mixups: string[] = []
      // (a) The declared response timeout expires: the backend answers at 1.5× it, so the
      // late bytes arrive while the next request (on a reused connection) still waits.
      const responseMs = ctx.profile?.timeouts?.response_ms
      if (responseMs === undefined || responseMs > MAX_RESPONSE_MS) {
        ctx.note(
          responseMs === undefined
            ? 'timeout variant not run: the profile declares no timeouts.response_ms'
            : `timeout variant not run: the declared response timeout ${responseMs} ms exceeds ${MAX_RESPONSE_MS} ms`,
        )
      } else {
        const result = await abandonThenAsk(
          ctx,
          backend,
          'timeout',
          Math.round(responseMs * 1.5),
          async (client) => {
            const answer = await client.readResponse({ timeoutMs: responseMs + 1500 })
            ctx.note(
              `timeout: the abandoned request got ${answer.kind === 'response' ? answer.message.head.status : answer.kind}`,
            )
            await client.close()
          },
        )
        mixups.push(...result.mixups)
        if (result.hang !== undefined && mixups.length === 0) {
          return timedOut(result.hang, responseMs + FOLLOW_UP_MS)
        }
      }
      // (b) The client aborts (RST) while the backend still holds its request.
      const result = await abandonThenAsk(ctx, backend, 'abort', 800, (client) => {
        client.destroy()
        return Promise.resolve()
      })
      mixups.push(...result.mixups)
      if (mixups.length > 0) {
        return violates(
          'each request answered with its own response (or an error), never the late one of an abandoned request',
          mixups.join('; '),
        )
      }
      if (result.hang !== undefined) return timedOut(result.hang, FOLLOW_UP_MS)
      return conforms()
    },
  }),
]
