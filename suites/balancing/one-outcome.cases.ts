import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import type { RawClient } from '../../harness/client/types.js'
import type { BalanceFault, BalanceRequest } from '../../harness/engine/model/balance.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { backendsOf, deliveries, describeDeliveries, foreignId, requestId } from './lb.js'

/** Concurrent keep-alive clients (the catalog's 20, scaled to the case budget). */
const CLIENTS = 6
/** The phases, in ms from the start: O2 killed, O2 back, O3 slow, traffic ends. */
const KILL_AT = 800
const BACK_AT = 1600
const SLOW_AT = 2400
const SLOW_UNTIL = 3400
const END_AT = 3800
/** Every answer takes this long, so the clients pace themselves (a few hundred requests in all). */
const PACE_MS = 40

/** 70 % GET, 15 % PUT, 15 % POST, by the request's number. */
function methodOf(n: number): 'GET' | 'PUT' | 'POST' {
  const k = n % 20
  return k < 14 ? 'GET' : k < 17 ? 'PUT' : 'POST'
}

interface Sent {
  readonly id: string
  readonly method: string
  readonly at: number
  backend?: string
  status?: number
  outcome: BalanceRequest['outcome']
  detail?: string
}

/**
 * One keep-alive client: requests in turn until END_AT. A reused connection
 * that closes with no response gets an idempotent request once more on a new
 * one (the client rule of catalog §12.2.1); any other close is an error.
 */
async function runClient(
  ctx: CaseContext,
  index: number,
  started: number,
  readMs: number,
  sent: Sent[],
): Promise<void> {
  let client: RawClient | undefined
  let used = 0
  for (let n = 0; performance.now() - started < END_AT && ctx.remainingMs() > readMs + 500; n++) {
    const method = methodOf(n + index * 7)
    const id = requestId(ctx, `c${index}-${n}`)
    const entry: Sent = { id, method, at: ctx.report.at(), outcome: 'error' }
    sent.push(entry)
    const body = method === 'GET' ? undefined : `${method} body of ${id}`
    const bytes = lbRequest(id, {
      method,
      host: ctx.originHost,
      ...(body === undefined ? {} : { body }),
    })
    for (let attempt = 0; attempt < 2; attempt++) {
      if (client === undefined) {
        client = await ctx.connect()
        used = 0
      }
      const reused = used > 0
      used += 1
      await client.write(bytes)
      const answer = await client.readResponse({ requestMethod: method, timeoutMs: readMs })
      if (answer.kind === 'response') {
        const response = parseLbResponse(answer.message)
        if (response.status !== undefined) entry.status = response.status
        if (response.backend !== undefined) entry.backend = response.backend
        const other = foreignId(ctx, id, response)
        entry.outcome =
          other === undefined ? (response.status === 200 ? 'ok' : 'error') : 'mixed-up'
        if (other !== undefined) entry.detail = `answered with the response of ${other}`
        const close = answer.message.head.headers.some(
          (f) => f.name.toLowerCase() === 'connection' && /close/i.test(f.value),
        )
        if (close) {
          await client.close()
          client = undefined
        }
        break
      }
      await client.close()
      client = undefined
      entry.detail = answer.kind === 'timeout' ? `no answer within ${readMs} ms` : answer.kind
      if (!(reused && method !== 'POST' && answer.kind === 'closed')) break
    }
  }
  await client?.close()
}

export const oneOutcomeCases = [
  defineCase({
    id: 'one-outcome-per-request',
    title:
      'Under failover every request ends in exactly one outcome of its own: no POST delivered twice, no response mixed up',
    requirements: ['LB-02'],
    spec: [
      { rfc: 9110, section: '9.2.2' },
      { rfc: 9112, section: '9.3' },
      { rfc: 9112, section: '9.3.2' },
    ],
    // LB-02 (RFC 9112 §9.3 and §9.3.2: responses on a connection belong, in order, to its
    // requests, and a connection is reused only once the previous response was read;
    // RFC 9110 §9.2.2 and RFC 9112 §9.3.1: a non-idempotent request is not retried
    // automatically): while a backend is killed, comes back and another turns slow,
    // every response names its own request (header id and body id), and no POST reaches
    // the backends twice (MUST, derived). Client-visible errors against a declared
    // failover.client_errors_allowed are Contract; undeclared, the count is INFO.
    requirement:
      'Under failover every client request ends in one outcome that belongs to it; a non-idempotent request reaches the backends at most once',
    level: 'MUST',
    roles: ['balancer'],
    balancer: {
      primaries: 3,
      profile: {
        policy: 'round-robin',
        retries: { idempotent: 1, redispatch: true },
        timeouts: { response_ms: 500 },
      },
    },
    timeoutMs: 9000,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const [, o2, o3] = backends.primaries
      if (o2 === undefined || o3 === undefined) throw new Error('[proxyspec] three primaries')
      const responseMs = ctx.profile?.timeouts?.response_ms
      // O3 answers late, beyond a declared response timeout (so the balancer gives up on
      // some of its requests), but well within any wait here.
      const slowMs = Math.min(1000, Math.round((responseMs ?? 600) * 1.5))
      const readMs = Math.max(2000, slowMs + 1500)
      for (const backend of backends.all) backend.slow(PACE_MS)
      const faults: BalanceFault[] = []
      const started = performance.now()
      const at = (ms: number): Promise<void> =>
        new Promise((resolve) => {
          setTimeout(resolve, Math.max(0, started + ms - performance.now()))
        })
      const script = (async (): Promise<void> => {
        await at(KILL_AT)
        faults.push({ at: ctx.report.at(), backend: o2.name, what: 'killed' })
        await o2.kill()
        await at(BACK_AT)
        faults.push({ at: ctx.report.at(), backend: o2.name, what: 'back' })
        await o2.heal()
        await at(SLOW_AT)
        faults.push({ at: ctx.report.at(), backend: o3.name, what: `slow ${slowMs} ms` })
        o3.slow(slowMs)
        await at(SLOW_UNTIL)
        faults.push({ at: ctx.report.at(), backend: o3.name, what: 'fast again' })
        o3.slow(PACE_MS)
      })()
      const sent: Sent[] = []
      await Promise.all([
        script,
        ...Array.from({ length: CLIENTS }, (_, i) => runClient(ctx, i, started, readMs, sent)),
      ])
      const found: string[] = []
      for (const entry of sent) {
        if (entry.outcome === 'mixed-up') found.push(`${entry.method} ${entry.id} ${entry.detail}`)
        if (entry.method !== 'POST') continue
        const seen = deliveries(backends, entry.id)
        if (seen.length > 1) {
          entry.outcome = 'duplicate'
          found.push(
            `POST ${entry.id} reached the backends ${seen.length} times: ${describeDeliveries(seen)}`,
          )
        }
      }
      ctx.report.timeline({
        title: 'Requests under failover (O2 killed and back, O3 slow)',
        backends: backends.all.map((b) => b.name),
        faults,
        requests: sent.map((s) => ({
          at: s.at,
          id: s.id,
          outcome: s.outcome,
          ...(s.backend === undefined ? {} : { backend: s.backend }),
          ...(s.status === undefined ? {} : { status: s.status }),
        })),
      })
      const errors = sent.filter((s) => s.outcome === 'error')
      const hangs = errors.filter((s) => s.detail?.startsWith('no answer') === true)
      ctx.note(
        `${sent.length} requests from ${CLIENTS} clients: ${sent.filter((s) => s.outcome === 'ok').length} ok, ${errors.length} client-visible errors (${hangs.length} without an answer within ${readMs} ms)${
          errors.length > 0
            ? `: ${errors
                .slice(0, 8)
                .map((e) => `${e.method} ${e.id} ${e.status ?? e.detail ?? ''}`)
                .join(', ')}`
            : ''
        }`,
      )
      if (found.length > 0) {
        return violates(
          'each request answered with its own response or an error, and each POST delivered at most once',
          found.slice(0, 10).join('; '),
        )
      }
      const budget = ctx.profile?.failover?.client_errors_allowed
      if (budget !== undefined && errors.length > budget) {
        return violates(
          `at most ${budget} client-visible errors (failover.client_errors_allowed)`,
          `${errors.length} errors`,
          'CONTRACT',
        )
      }
      return conforms(`${sent.length} requests, ${errors.length} client-visible errors`)
    },
  }),
]
