import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { multiWorkerBand, roundRobinPeriodic, starved } from '../../harness/stats/index.js'
import { backendsOf } from './lb.js'
import {
  countsOf,
  cutShort,
  describeCounts,
  expectedCounts,
  idsFor,
  sendParallel,
  sendSequential,
  sequenceOf,
  servedBy,
} from './spread.js'

/** Requests per phase (catalog LB-15): on one keep-alive connection, then each on a fresh one. */
const PER_PHASE = 300

/** Concurrent keep-alive clients of the third phase (catalog LB-15: 20 × 15 requests). */
const CLIENTS = 20

export const roundRobinCases = [
  defineCase({
    id: 'round-robin-cycles',
    title:
      'Round robin with equal weights cycles through the usable backends in a fixed order (one worker), or stays within ±K of N/B (K workers)',
    requirements: ['LB-15'],
    spec: [{ rfc: 9110, section: '3.7' }],
    // Catalog §12.4 LB-15 (contract row, §12.3 "Deterministic policies on one worker"):
    // with workers: 1, request k and request k+B reach the same backend; with K workers
    // that keep their own state, |n_i − N/B| ≤ K. Starvation fails in every case.
    requirement:
      'Declared round robin: consecutive requests cycle through the backends (exact with one worker, within ±K with K workers), none starved',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 10_000,
    balancer: {
      primaries: 3,
      profile: { policy: 'round-robin' },
      needs: (declared) =>
        declared.policy !== 'round-robin'
          ? `the profile declares policy ${declared.policy}, not round-robin`
          : declared.weights !== undefined && new Set(declared.weights.slice(0, 3)).size > 1
            ? 'the profile declares unequal weights (balancing/weighted-shares grades them)'
            : undefined,
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const names = backends.primaries.map((b) => b.name)
      const workers = ctx.profile?.workers ?? 1
      const found: string[] = []
      const warnings: string[] = []
      for (const fresh of [false, true]) {
        const phase = fresh ? 'fresh connections' : 'one keep-alive connection'
        const batch = await sendSequential(ctx, idsFor(ctx.token, fresh ? 'f' : 'k', PER_PHASE), {
          fresh,
        })
        const short = cutShort(batch, `${PER_PHASE} GETs on ${phase}`)
        if (short !== undefined) return short
        const sequence = sequenceOf(batch.ids, servedBy(backends))
        const counts = countsOf(names, sequence)
        ctx.note(
          `${phase}: ${PER_PHASE} GETs in ${Math.round(batch.ms)} ms, ${describeCounts(names, counts)}; first 9: ${sequence.slice(0, 9).join(' ')}`,
        )
        if (batch.errors.length > 0) {
          warnings.push(`${phase}: ${batch.errors.length} errors (${batch.errors[0]})`)
        }
        // Only requests a backend read count; a lost one would shift the cycle.
        const served = sequence.filter((s) => s !== '-')
        const expected = expectedCounts([1, 1, 1], served.length)
        const hungry = starved(counts, [1, 1, 1])
        if (hungry.starved) {
          found.push(
            `${phase}: ${hungry.backends.map((i) => names[i]).join(', ')} got none (${describeCounts(names, counts)})`,
          )
        }
        if (workers <= 1) {
          const check =
            served.length >= names.length
              ? roundRobinPeriodic(served, names)
              : { pass: false, reason: `only ${served.length} requests reached a backend` }
          ctx.report.distribution({
            title: `Round robin, ${phase}`,
            backends: names.map((name, i) => ({
              name,
              observed: counts[i]!,
              expected: expected[i]!,
            })),
            test: { name: 'round-robin', detail: check.reason },
          })
          ctx.note(`${phase}: ${check.reason}`)
          if (!check.pass) found.push(`${phase}: ${check.reason}`)
        } else {
          const band = multiWorkerBand(
            Object.fromEntries(names.map((n, i) => [n, counts[i]!])),
            Object.fromEntries(names.map((n) => [n, 1])),
            workers,
          )
          ctx.report.distribution({
            title: `Round robin over ${workers} workers, ${phase}`,
            backends: names.map((name, i) => ({
              name,
              observed: counts[i]!,
              expected: expected[i]!,
            })),
            test: { name: 'band', detail: band.reason },
          })
          ctx.note(`${phase}: ${band.reason}`)
          if (!band.pass) found.push(`${phase}: ${band.reason}`)
        }
      }
      // Then 20 concurrent clients × 15 requests: the order at the backends is the
      // clients', but the balancer still chose in one cycle, so with one worker any
      // 300 consecutive choices hold exactly 100 per backend (the band with K = 1: ±1).
      // A declared per-backend limit (LB-23) caps the clients at that limit, so no backend can
      // be full: a full one is skipped (nginx) or the request queued (HAProxy), which changes
      // the cycle, and refusing or queueing the excess is LB-23's to grade, not this row's.
      const limit = ctx.profile?.max_conns_per_backend
      const clients = limit === undefined ? CLIENTS : Math.max(1, Math.min(CLIENTS, limit))
      const concurrent = await sendParallel(ctx, idsFor(ctx.token, 'c', PER_PHASE), clients)
      const shortC = cutShort(concurrent, `${PER_PHASE} GETs from ${clients} clients`)
      if (shortC !== undefined) return shortC
      const cCounts = countsOf(names, sequenceOf(concurrent.ids, servedBy(backends)))
      const cBand = multiWorkerBand(
        Object.fromEntries(names.map((n, i) => [n, cCounts[i]!])),
        Object.fromEntries(names.map((n) => [n, 1])),
        workers,
      )
      ctx.report.distribution({
        title: `Round robin, ${clients} concurrent clients`,
        backends: cBand.rows.map((r) => ({
          name: r.backend,
          observed: r.observed,
          expected: r.expected,
        })),
        test: { name: 'band', detail: cBand.reason },
      })
      ctx.note(
        `${clients} concurrent clients: ${PER_PHASE} GETs in ${Math.round(concurrent.ms)} ms, ${describeCounts(names, cCounts)}; ${cBand.reason}`,
      )
      if (concurrent.errors.length > 0)
        warnings.push(`concurrent: ${concurrent.errors.length} errors (${concurrent.errors[0]})`)
      if (!cBand.pass) found.push(`${clients} concurrent clients: ${cBand.reason}`)
      if (found.length > 0) {
        return violates(
          workers <= 1
            ? 'request k and request k+3 reach the same backend, the first 3 reach 3 backends'
            : `every backend within ±${workers} of N/3`,
          found.join('; '),
        )
      }
      if (warnings.length > 0) {
        return violates('every GET answered', warnings.join('; '), 'SHOULD')
      }
      return conforms()
    },
  }),
]
