import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import type { RawClient } from '../../harness/client/types.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { backendsOf } from './lb.js'
import { countsOf, describeCounts, idsFor, sequenceOf, servedBy } from './spread.js'

/** GETs on one keep-alive connection, then after the kill (catalog LB-25: 30, then 5). */
const BEFORE = 30
const AFTER = 5

/** Policies that spread sequential requests without a key (hash would pin one URI). */
const SPREADING = new Set(['round-robin', 'weighted', 'random', 'random-two', 'least-conn'])

/**
 * One GET on `client` (a new connection when it is closed); a reused
 * connection that closes with no response gets the one retry C may make on a
 * fresh connection (catalog §12.2.1). Returns the client to go on with and
 * whether the request failed.
 */
async function oneGet(
  ctx: CaseContext,
  client: RawClient | undefined,
  id: string,
  attempt = 0,
): Promise<{ client: RawClient | undefined; error?: string }> {
  const reused = client !== undefined
  const c = client ?? (await ctx.connect())
  await c.write(lbRequest(id, { host: ctx.originHost }))
  const answer = await c.readResponse({ timeoutMs: Math.max(50, ctx.remainingMs() / 4) })
  if (answer.kind === 'response') {
    const { status } = parseLbResponse(answer.message)
    const closing = answer.message.head.headers.some(
      (f) => f.name.toLowerCase() === 'connection' && /\bclose\b/i.test(f.value),
    )
    if (closing) await c.close()
    const next = closing ? undefined : c
    return status !== undefined && status >= 500
      ? { client: next, error: `${id}: ${status}` }
      : { client: next }
  }
  await c.close()
  if (answer.kind === 'closed' && reused && attempt === 0) return oneGet(ctx, undefined, id, 1)
  return { client: undefined, error: `${id}: ${answer.kind}` }
}

export const perRequestCases = [
  defineCase({
    id: 'per-request-on-one-connection',
    title:
      'An L7 balancer picks a backend per request: requests on one keep-alive connection spread, and survive the death of a backend',
    requirements: ['LB-25'],
    spec: [{ rfc: 9110, section: '3.7' }],
    // Catalog §12.4 LB-25 (contract row, declared granularity): with `request`, FAIL if
    // all 30 GETs on one keep-alive client connection reach one backend, or if the 5
    // sent after that backend is killed fail beyond the budget
    // (failover.client_errors_allowed, default 0, after C's one retry of §12.2.1). With
    // `connection`: all 30 on one backend, and the client connection closed after the kill.
    requirement:
      'Declared per-request balancing: requests on one client connection spread over the backends and go on after one dies; per-connection: the connection closes with its backend',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 6000,
    balancer: {
      primaries: 3,
      profile: {
        policy: 'round-robin',
        granularity: 'request',
        retries: { idempotent: 1, redispatch: true },
      },
      needs: (declared) =>
        SPREADING.has(declared.policy)
          ? undefined
          : `policy ${declared.policy} need not spread one client's requests`,
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const names = backends.primaries.map((b) => b.name)
      const perConnection = ctx.profile?.granularity === 'connection'
      const ids = idsFor(ctx.token, 'q', BEFORE)
      let client: RawClient | undefined = await ctx.connect()
      const errors: string[] = []
      let connections = 1
      for (const id of ids) {
        const had: RawClient | undefined = client
        const got = await oneGet(ctx, client, id)
        if (got.error !== undefined) errors.push(got.error)
        if (got.client === undefined || got.client !== had) connections += 1
        client = got.client
      }
      const sequence = sequenceOf(ids, servedBy(backends))
      const counts = countsOf(names, sequence)
      const used = counts.filter((c) => c > 0).length
      ctx.report.distribution({
        title: `${BEFORE} GETs on one keep-alive client connection`,
        backends: names.map((name, i) => ({
          name,
          observed: counts[i]!,
          expected: perConnection ? (i === names.indexOf(sequence[0]!) ? BEFORE : 0) : BEFORE / 3,
        })),
        test: { name: 'band', detail: `${used} backends used` },
      })
      ctx.note(
        `${BEFORE} GETs (${connections === 1 ? 'one client connection' : `${connections} client connections: the target closed some`}): ${describeCounts(names, counts)}; ${errors.length} errors`,
      )
      const lastName = sequence[sequence.length - 1]
      const last = lastName === undefined ? undefined : backends.byName(lastName)
      if (last === undefined) return violates('the GETs answered by a backend', errors.join('; '))
      if (perConnection) {
        if (used > 1)
          return violates(
            'per-connection balancing: every request of one connection on one backend',
            describeCounts(names, counts),
          )
        await last.kill()
        if (client === undefined) return conforms('the target closed the client connection')
        const closed = await client.waitForClose({
          timeoutMs: Math.max(50, ctx.remainingMs() - 200),
        })
        if (isTimeout(closed))
          return violates(
            `the client connection closed once ${last.name} died`,
            'it stayed open with nothing behind it',
          )
        return conforms(`${used} backend; closed (${closed.kind}) after ${last.name} died`)
      }
      await last.kill()
      const after = idsFor(ctx.token, 'z', AFTER)
      const lateErrors: string[] = []
      for (const id of after) {
        const got = await oneGet(ctx, client, id)
        if (got.error !== undefined) lateErrors.push(got.error)
        client = got.client
      }
      await client?.close()
      const afterSeq = sequenceOf(after, servedBy(backends))
      ctx.note(
        `after killing ${last.name}: ${afterSeq.join(' ')}; ${lateErrors.length} errors${lateErrors.length > 0 ? ` (${lateErrors.join('; ')})` : ''}`,
      )
      // The budget: the declared failover.client_errors_allowed; else none when the
      // profile declares retries of idempotent requests (the GET goes on to a live
      // backend), and otherwise only "not tied": a balancer that neither retries nor has
      // detected the death yet fails the GETs it routes to the dead backend, but at
      // least one of the 5 must reach a live one (per-request choice, catalog LB-25).
      const retries = (ctx.profile?.retries?.idempotent ?? 0) > 0
      const budget = ctx.profile?.failover?.client_errors_allowed ?? (retries ? 0 : AFTER - 1)
      const found: string[] = []
      if (used === 1)
        found.push(`all ${BEFORE} GETs of one client connection reached ${sequence[0]}`)
      if (lateErrors.length > budget)
        found.push(
          `${lateErrors.length} of ${AFTER} GETs failed after ${last.name} died (budget ${budget}${retries ? ': the profile declares retries' : ''})`,
        )
      if (found.length > 0)
        return violates(
          'per-request balancing: one connection’s requests spread, and go on to live backends',
          found.join('; '),
        )
      return conforms(
        `${describeCounts(names, counts)}; after the kill ${lateErrors.length} of ${AFTER} failed (budget ${budget})`,
      )
    },
  }),
]
