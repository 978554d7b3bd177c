import { lbRequest } from '../../harness/backends/lb-id.js'
import { Deadline, isTimeout } from '../../harness/net/deadline.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { RawClient } from '../../harness/client/types.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { backendsOf } from './lb.js'
import { countsOf, describeCounts, idsFor, sequenceOf, servedBy } from './spread.js'

/** Concurrent GETs sent while O1 holds its answers (catalog LB-18: 12). */
const HELD = 12

/** Sequential GETs sent while they are held (catalog LB-18: 30). */
const PROBES = 30

export const leastConnCases = [
  defineCase({
    id: 'least-conn-avoids-busy-backend',
    title:
      'Least connections: while one backend holds requests in flight, new requests go to the others',
    requirements: ['LB-18'],
    spec: [{ rfc: 9110, section: '3.7' }],
    // Catalog §12.4 LB-18 (contract row): a backend with K requests in flight gets no
    // new requests while the others have fewer. O1 is slow, 12 concurrent GETs pile up
    // there; then 30 sequential GETs: PASS if O1 gets at most 1 of them (one worker or
    // shared state); with K workers and no shared state, WARN (the count is per worker).
    requirement:
      'Declared least-conn: a backend holding requests in flight gets no new ones while the others have fewer',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 8000,
    balancer: {
      primaries: 3,
      profile: { policy: 'least-conn' },
      needs: (declared) =>
        declared.policy !== 'least-conn'
          ? `the profile declares policy ${declared.policy}, not least-conn`
          : declared.weights !== undefined && new Set(declared.weights.slice(0, 3)).size > 1
            ? 'the profile declares unequal weights (in flight per weight is not graded here)'
            : undefined,
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const names = backends.primaries.map((b) => b.name)
      const slow = backends.primaries[0]!
      // Held until the case ends (the runner stops everything then).
      slow.slow(3000)
      const held: RawClient[] = []
      for (const id of idsFor(ctx.token, 'h', HELD)) {
        const client = await ctx.connect()
        await client.write(lbRequest(id, { host: ctx.originHost }))
        held.push(client)
      }
      // The others answer at once: what stays in flight is on O1.
      const piled = await slow.waitFor(
        'a request in flight on O1',
        () => (slow.inFlight > 0 ? slow.inFlight : undefined),
        Math.min(2000, ctx.remainingMs() / 3),
      )
      if (isTimeout(piled)) return timedOut('a held request on O1', piled.afterMs)
      const before = slow.inFlight
      // Each probe waits until a backend has read it (not for O1's answer).
      const probes = idsFor(ctx.token, 'p', PROBES)
      const clients: RawClient[] = []
      for (const id of probes) {
        const client = await ctx.connect()
        clients.push(client)
        await client.write(lbRequest(id, { host: ctx.originHost }))
        // One deadline for the three waits; the losers end with it (no timer left behind).
        const stop = new AbortController()
        const within = new Deadline(Math.max(50, ctx.remainingMs() - 200), stop.signal)
        const arrived = await Promise.race(
          backends.primaries.map((b) => b.waitForRequest(id, within)),
        )
        stop.abort()
        within.dispose()
        if (isTimeout(arrived)) return timedOut(`probe ${id} at a backend`, arrived.afterMs)
      }
      const sequence = sequenceOf(probes, servedBy(backends))
      const counts = countsOf(names, sequence)
      const onSlow = counts[0]!
      ctx.report.distribution({
        title: `${PROBES} GETs while ${slow.name} held ${before} in flight`,
        backends: names.map((name, i) => ({
          name,
          observed: counts[i]!,
          expected: i === 0 ? 0 : PROBES / (names.length - 1),
        })),
        test: { name: 'band', detail: `${slow.name} may get at most 1` },
      })
      ctx.note(
        `${slow.name} held ${before} of ${HELD} concurrent GETs; the ${PROBES} probes went ${describeCounts(names, counts)}; ${slow.name} in flight at the end: ${slow.inFlight}`,
      )
      for (const c of [...held, ...clients]) await c.close()
      // The held answers end now (RST), not at the end of their delay.
      await slow.kill()
      if (onSlow > 1) {
        const workers = ctx.profile?.workers ?? 1
        return violates(
          `at most 1 of ${PROBES} new requests to ${slow.name}, which holds ${before} in flight while the others hold none`,
          `${onSlow} of ${PROBES} went to ${slow.name} (${describeCounts(names, counts)})`,
          workers > 1 ? 'SHOULD' : undefined,
        )
      }
      return conforms(describeCounts(names, counts))
    },
  }),
]
