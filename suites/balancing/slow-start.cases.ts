import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { goodnessOfFit, verdictOf } from '../../harness/stats/index.js'
import {
  FAILOVER_TIMEOUT_MS,
  REFERENCE_ACTIVE,
  Traffic,
  checksReached,
  checksSince,
  clientRequestsSince,
  failed,
  ms,
  readmissionBoundMs,
  removalBoundMs,
  type Sent,
} from './failover.js'
import { backendsOf } from './lb.js'

/**
 * LB-24 (contract row, catalog §12.4): with slow start declared (S), a
 * backend that returns after a failure gets a share that grows over S from
 * near zero; not its full share at once, and its full share after S.
 *
 * Sized down from the row: the reference runs with S = 1 s (the row's
 * example is 20 s) and the windows stay S/5. The row's 20 GETs/s would put
 * 4 requests in a 200 ms window, so while the share is measured the client
 * sends bursts of BURST concurrent GETs back to back (before that, paced
 * GETs on one connection at S/125): 20 or more requests per window on a
 * loaded machine, enough that "at most half the fair share in the first
 * window" and "the fair share once S is over" stay measurable.
 * The windows start at O3's first client request after its checks pass (the
 * moment the balancer readmitted it, as the origin sees it), since the ramp
 * starts there; the readmission delay itself is LB-10's. The full share is
 * graded over the two windows after S.
 */

/** The windows of the ramp: S/5 each, five of them. */
const WINDOWS = 5

/** Requests sent in a window (the pace is derived from it). */
const PER_WINDOW = 25

/** Concurrent GETs per step while the share is measured. */
const BURST = 4

const REFERENCE: BalancerProfile = {
  policy: 'round-robin',
  active: REFERENCE_ACTIVE,
  slow_start_s: 1,
}

/** O3's count among `sent` (answered ones) and the total answered. */
function shareOf(sent: readonly Sent[], name: string): { mine: number; total: number } {
  const answered = sent.filter((s) => s.backend !== undefined && !failed(s))
  return { mine: answered.filter((s) => s.backend === name).length, total: answered.length }
}

export const slowStartCases = [
  defineCase({
    id: 'slow-start-ramps-share',
    title:
      'With slow start declared, a backend readmitted after a failure starts near zero and reaches its full share after S',
    requirements: ['LB-24'],
    // A contract row cites no RFC sentence; the nearest section, for the reader.
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-24 (contract row, catalog §12.4): PASS if the first window (S/5) holds ≤ 50 % of the
    // fair share, the share does not fall over the ramp (one dip of ≤ 10 points allowed),
    // and in the two windows after S the share fits the fair share (χ², §12.3); FAIL if the first window is
    // already at the fair share (here: within one request of it, the counts being small
    // and round robin's exact), if it falls, or if the fair share is not there in the two
    // windows after S from readmission. Between half and the fair share in the first window: warn.
    requirement:
      'A backend readmitted after a failure gets a share growing from near zero over the declared slow_start_s, and its fair share after it',
    level: 'CONTRACT',
    roles: ['balancer'],
    balancer: {
      primaries: 3,
      profile: REFERENCE,
      needs: (declared) =>
        declared.slow_start_s === undefined
          ? 'the profile declares no slow_start_s'
          : declared.active === undefined
            ? 'the profile declares no active checks (this case takes the backend out with them)'
            : declared.policy === 'hash'
              ? 'slow start is not graded under a hash policy (HAProxy: not with map-based hashing)'
              : declared.weights !== undefined && new Set(declared.weights.slice(0, 3)).size > 1
                ? 'the profile declares unequal weights (the fair share here is a third)'
                : undefined,
    },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const profile = ctx.profile!
      const active = profile.active!
      const S = profile.slow_start_s! * 1000
      const windowMs = S / WINDOWS
      const gap = Math.max(1, Math.round(windowMs / PER_WINDOW))
      const o3 = backends.primaries[2]!
      const fair = 1 / backends.primaries.length
      const traffic = new Traffic(ctx, 'r')
      try {
        // Up for sure once rise checks passed, whatever the initial state; fall then takes it out.
        const warm = active.rise
        const started = performance.now()
        if (
          !(await checksReached(
            ctx,
            backends.all,
            warm,
            (warm + 1) * active.interval_ms + active.timeout_ms + 1000,
          ))
        ) {
          return timedOut(
            `${warm} health checks at every backend (warm)`,
            performance.now() - started,
          )
        }
        o3.health(503)
        const t0 = traffic.fault(o3.name, 'health check answers 503')
        const out = await traffic.until(
          () => checksSince(o3, t0, 503).length >= active.fall + 1,
          removalBoundMs(active) + active.interval_ms,
          gap,
        )
        const lastOut = checksSince(o3, t0, 503).at(active.fall)?.arrivedAt
        if (!out || lastOut === undefined || clientRequestsSince(o3, lastOut).length > 0) {
          traffic.timeline(`${o3.name} never taken out`)
          return observed(
            `${o3.name} was not taken out by ${active.fall} failed checks: slow start cannot be measured (see LB-09)`,
          )
        }
        o3.health(200)
        const t1 = traffic.fault(o3.name, 'health check answers 200')
        const bound = readmissionBoundMs(active)
        const back = await traffic.until(
          () => clientRequestsSince(o3, t1).length > 0,
          3 * bound + S,
          gap,
        )
        const tBack = clientRequestsSince(o3, t1)[0]
        if (!back || tBack === undefined) {
          traffic.timeline(`${o3.name} never readmitted`)
          return observed(
            `${o3.name} got no client request within ${ms(3 * bound + S)} of its checks passing: not readmitted (see LB-10)`,
          )
        }
        // The ramp (S from readmission) and then two windows more at the full share.
        const end = tBack + S + 2 * windowMs
        // Bursts of BURST concurrent GETs: enough requests per window on a loaded machine too.
        while (performance.now() < end && ctx.remainingMs() > 500) await traffic.burst(BURST, 1000)
        traffic.timeline(`${o3.name} taken out at t0, checks pass at t1, slow start ${ms(S)}`)
        // A request counts in the window it was sent in. The windows start with O3's first
        // request after t1, which is not counted: it is O3's by construction (it marks the start).
        const firstBack = traffic.since(t1).find((s) => s.backend === o3.name)
        const from = firstBack?.sentAt ?? tBack
        const windows = Array.from({ length: WINDOWS }, (_, i) => {
          const sent = traffic.sent.filter(
            (s) =>
              s !== firstBack &&
              s.sentAt >= from + i * windowMs &&
              s.sentAt < from + (i + 1) * windowMs,
          )
          return shareOf(sent, o3.name)
        })
        const after = traffic.sent.filter((s) => s.sentAt >= from + S && s !== firstBack)
        const names = backends.primaries.map((b) => b.name)
        const counts = names.map((n) => after.filter((s) => s.backend === n && !failed(s)).length)
        const fit = goodnessOfFit(
          counts,
          names.map(() => 1),
        )
        const shares = windows.map((w) => (w.total === 0 ? 0 : w.mine / w.total))
        ctx.report.distribution({
          title: `${o3.name}'s share after S (${ms(S)}) from readmission`,
          backends: names.map((name, i) => ({
            name,
            observed: counts[i]!,
            expected: fit.expected[i] ?? 0,
          })),
          test: { name: 'chi-square', statistic: fit.statistic, df: fit.df, pValue: fit.pValue },
        })
        ctx.note(
          `slow start ${ms(S)}, windows of ${ms(windowMs)} from ${o3.name}'s first request after t1 (t1+${ms(tBack - t1)}); ` +
            `${o3.name} per window: ${windows.map((w) => `${w.mine}/${w.total}`).join(', ')} (fair ${Math.round(fair * 100)} %); ` +
            `after S: ${names.map((n, i) => `${n} ${counts[i]}`).join(', ')}, χ² ${fit.statistic.toFixed(2)}, df ${fit.df}, p ${fit.pValue.toPrecision(3)}`,
        )
        const first = windows[0]!
        if (first.total < 5) {
          return observed(
            `only ${first.total} requests answered in the first window: too few to measure a share`,
          )
        }
        if (first.mine >= first.total * fair - 1) {
          return violates(
            `${o3.name}'s share in the first ${ms(windowMs)} well below its fair share (at most half: ${(first.total * fair * 0.5).toFixed(1)} of ${first.total})`,
            `${first.mine} of ${first.total}: the full share at once`,
          )
        }
        // The ramp grows: one dip of at most 10 points allowed.
        const dips = shares.slice(1).map((s, i) => shares[i]! - s)
        const falls = dips.filter((d) => d > 0)
        if (falls.some((d) => d > 0.1) || falls.length > 1) {
          return violates(
            `${o3.name}'s share growing over S (one dip of at most 10 points)`,
            `per window ${shares.map((s) => `${Math.round(s * 100)} %`).join(', ')}`,
          )
        }
        const verdict = verdictOf(fit.pValue)
        if (verdict === 'fail' || counts[2] === 0) {
          return violates(
            `the fair share for every backend from S after readmission (χ² p ≥ 0.001)`,
            `${names.map((n, i) => `${n} ${counts[i]}`).join(', ')} (p ${fit.pValue.toPrecision(3)})`,
          )
        }
        if (first.mine > first.total * fair * 0.5) {
          return violates(
            `${o3.name}'s share in the first window at most half its fair share`,
            `${first.mine} of ${first.total}`,
            'SHOULD',
          )
        }
        if (verdict === 'warn') {
          return violates(
            `the fair share from S after readmission`,
            `p ${fit.pValue.toPrecision(3)} (grey band)`,
            'SHOULD',
          )
        }
        return conforms(
          `per window ${shares.map((s) => `${Math.round(s * 100)} %`).join(', ')}; after S p ${fit.pValue.toPrecision(3)}`,
        )
      } finally {
        await traffic.close()
      }
    },
  }),
]
