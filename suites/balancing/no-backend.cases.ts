import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { backendsOf, requestId } from './lb.js'

/** GET, POST, then GET again (by then a balancer with passive checks knows every backend is down). */
const REQUESTS = [
  { method: 'GET', suffix: 'get' },
  { method: 'POST', suffix: 'post' },
  { method: 'GET', suffix: 'get-again' },
] as const

export const noBackendCases = [
  defineCase({
    id: 'no-backend-answers-framed-error',
    title:
      'With every backend refusing, the balancer answers at once with a framed 5xx, never a 2xx',
    requirements: ['LB-06'],
    spec: [
      { rfc: 9110, section: '15.6.3' },
      { rfc: 9110, section: '15.6.4' },
      { rfc: 9110, section: '15.6' },
    ],
    // LB-06 (RFC 9110 §15.6.3 502, §15.6.4 503): when no backend can serve, the answer is
    // a gateway error; the catalog treats as MUST that it is no 2xx/3xx (a success the
    // backends never gave), correctly framed, and comes without a hang; a 4xx warns (a
    // cache may store it); which 5xx is informational.
    requirement:
      'When no backend can serve, the balancer answers quickly with a framed gateway error: never a 2xx or 3xx, never a hang',
    level: 'MUST',
    roles: ['balancer'],
    balancer: {
      primaries: 2,
      profile: { policy: 'round-robin', passive: { max_fails: 1, fail_timeout_s: 30 } },
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      // kill, not refuse: a connection the balancer opened before (a health check's, a pooled
      // one) must not serve either; refusing new ones only let Caddy answer on its pooled ones.
      await Promise.all(backends.all.map((backend) => backend.kill()))
      const statuses: string[] = []
      const wrong: string[] = []
      const warnings: string[] = []
      let closes = 0
      for (const { method, suffix } of REQUESTS) {
        const id = requestId(ctx, suffix)
        const client = await ctx.connect()
        const body = method === 'POST' ? 'no backend to take this' : undefined
        await client.write(
          lbRequest(id, { method, host: ctx.originHost, ...(body === undefined ? {} : { body }) }),
        )
        const answer = await client.readResponse({ requestMethod: method })
        await client.close()
        if (answer.kind === 'timeout') {
          return timedOut(`an answer to ${method} ${id}`, answer.afterMs)
        }
        if (answer.kind === 'malformed') {
          wrong.push(`${method}: an unframed or malformed response (${answer.error.message})`)
          continue
        }
        if (answer.kind === 'closed') {
          closes += 1
          statuses.push(`${method}: closed (${answer.how}) with no response`)
          continue
        }
        const { status, complete } = parseLbResponse(answer.message)
        statuses.push(`${method}: ${status}`)
        // The setup must hold: a backend that still answered makes this request no evidence.
        const answered = backends.all.find((b) =>
          b.requests.some((r) => r.id === id && r.outcome === 'answered'),
        )
        if (answered !== undefined) {
          statuses.push(`${method}: ${answered.name} answered it, so it shows nothing`)
          continue
        }
        if (status === undefined || !complete) wrong.push(`${method}: an incomplete response`)
        else if (status < 400) wrong.push(`${method}: ${status} although no backend answered`)
        else if (status < 500) warnings.push(`${method}: ${status}`)
      }
      ctx.note(`answers: ${statuses.join('; ')}`)
      if (wrong.length > 0) {
        return violates(
          'a framed 502/503/504 (or a close) at once for every request',
          wrong.join('; '),
        )
      }
      if (warnings.length > 0) {
        // A 4xx blames the client (RFC 9110 §15.5), and some are heuristically cacheable
        // (404, 405, 410, 414; RFC 9110 §15.1): the catalog warns, it does not fail.
        return violates('a 5xx: the failure is the server side', warnings.join('; '), 'SHOULD')
      }
      if (closes > 0) {
        return observed(
          `no response, only a close, for ${closes} of ${REQUESTS.length} requests (${statuses.join('; ')})`,
        )
      }
      // Which 5xx (502, 503, 504) is informational: the note holds them.
      return conforms(`answers: ${statuses.join('; ')}`)
    },
  }),
]
