import type { Backend } from '../../harness/backends/types.js'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import {
  conforms,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import {
  FAILOVER_TIMEOUT_MS,
  REFERENCE_ACTIVE,
  Traffic,
  checksReached,
  checksSince,
  failed,
  gapMs,
  lagNote,
  ms,
  needsActive,
  readmissionBoundMs,
  removalBoundMs,
  slackMs,
  type ActiveChecks,
} from './failover.js'
import { backendsOf } from './lb.js'

/** Requests sent at once after detection (LB-26). */
const N = 10

/** An answer later than this is a hang (LB-26: "neither may hang"). */
const ANSWER_WITHIN_MS = 3000

const REFERENCE: BalancerProfile = {
  policy: 'round-robin',
  active: REFERENCE_ACTIVE,
  all_unhealthy: 'fail-closed',
}

function activeOf(ctx: CaseContext): ActiveChecks {
  const active = ctx.profile?.active
  if (active === undefined)
    throw new Error('[proxyspec] an active-check case ran without active checks')
  return active
}

/** The client requests `backend` read at or after `from`, by arrival time. */
function arrivalsSince(backend: Backend, from: number): number[] {
  return backend.requests.filter((r) => r.arrivedAt >= from).map((r) => r.arrivedAt)
}

function errorsOf(traffic: Traffic, from = 0): string {
  const errors = traffic.since(from).filter(failed)
  return `${errors.length} client-visible error(s) of ${traffic.since(from).length}`
}

/**
 * Warm (§12.2.5): every backend has answered fall + rise checks, then O2 has
 * served a client request. An Outcome when that did not happen in time.
 */
async function warmUp(
  ctx: CaseContext,
  traffic: Traffic,
  active: ActiveChecks,
  o2: Backend,
): Promise<Outcome | undefined> {
  const backends = backendsOf(ctx)
  const n = active.fall + active.rise
  const started = performance.now()
  if (
    !(await checksReached(
      ctx,
      backends.all,
      n,
      (n + 1) * active.interval_ms + active.timeout_ms + 1000,
    ))
  ) {
    return timedOut(`${n} health checks at every backend (warm)`, performance.now() - started)
  }
  const warm = performance.now()
  const served = await traffic.until(
    () => arrivalsSince(o2, warm).length > 0,
    readmissionBoundMs(active),
    gapMs(ctx.profile!),
  )
  if (!served) return observed(`${o2.name} got no client traffic once warm: nothing to take out`)
  return undefined
}

export const activeCheckCases = [
  defineCase({
    id: 'active-check-removes-backend',
    title:
      'A backend whose health checks fail gets no client traffic once fall checks failed, within the removal bound',
    requirements: ['LB-09'],
    // A contract row cites no RFC sentence; the nearest section, for the reader.
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-09 (contract row, catalog §12.4): with active checks declared, a backend whose
    // health endpoint starts failing gets no client traffic once `fall` checks in a row have
    // failed, within the removal bound interval×fall + timeout + slack (§12.2.5); a removal
    // before fall − 1 failed checks warns (§12.3: lower bounds warn).
    requirement:
      'A backend whose health checks fail gets no client traffic after the removal bound, and is not taken out before fall failed checks',
    level: 'CONTRACT',
    roles: ['balancer'],
    balancer: { primaries: 3, profile: REFERENCE, needs: needsActive },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const active = activeOf(ctx)
      const o2 = backends.primaries[1]!
      const traffic = new Traffic(ctx, 'r')
      const gap = gapMs(ctx.profile!)
      try {
        const notWarm = await warmUp(ctx, traffic, active, o2)
        if (notWarm !== undefined) return notWarm
        const bound = removalBoundMs(active)
        o2.health(503)
        const t0 = traffic.fault(o2.name, 'health check answers 503')
        const settled = await traffic.until(
          () =>
            performance.now() >= t0 + bound &&
            traffic.since(t0 + bound).length >= 2 * backends.all.length,
          bound + 2000,
          gap,
        )
        traffic.timeline(`${o2.name}'s health checks fail at t0`)
        if (!settled)
          return timedOut(`client traffic until ${ms(bound)} after t0`, performance.now() - t0)
        const after = arrivalsSince(o2, t0)
        const tLast = after.at(-1)
        const nFail = checksSince(o2, t0, 503).filter(
          (c) => tLast === undefined || c.arrivedAt <= tLast,
        ).length
        ctx.note(
          `removal bound ${ms(bound)} (interval ${active.interval_ms} ms × fall ${active.fall} + timeout ${active.timeout_ms} ms + slack); ` +
            `${o2.name} got ${after.length} client request(s) after t0, the last at ${tLast === undefined ? '—' : `t0+${ms(tLast - t0)}`}; ` +
            `${nFail} failed check(s) before it; ${errorsOf(traffic, t0)}`,
        )
        // The harness's own lag is not the target's (net/loop-lag.ts).
        const allowed = bound + ctx.lagSince(t0)
        if (tLast !== undefined && tLast - t0 > allowed) {
          return violates(
            `no client traffic to ${o2.name} later than the removal bound (t0+${ms(bound)}${lagNote(allowed - bound)})`,
            `a client request reached ${o2.name} at t0+${ms(tLast - t0)}, after ${checksSince(o2, t0, 503).filter((c) => c.arrivedAt <= tLast).length} failed checks`,
          )
        }
        if (nFail < active.fall - 1) {
          return violates(
            `taken out after fall ${active.fall} failed checks (fall − 1 allowed for one in flight)`,
            `${o2.name}'s client traffic stopped after ${nFail} failed check(s)`,
            'SHOULD',
          )
        }
        return conforms(
          `last client request at t0+${tLast === undefined ? 0 : ms(tLast - t0)}, bound ${ms(bound)}`,
        )
      } finally {
        await traffic.close()
      }
    },
  }),
  defineCase({
    id: 'readmitted-after-rise',
    title:
      'A backend whose health checks pass again gets client traffic again within the readmission bound',
    requirements: ['LB-10'],
    // A contract row cites no RFC sentence; the nearest section, for the reader.
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-10 (contract row, catalog §12.4): once the health endpoint recovers, the backend
    // gets client traffic again after `rise` successful checks, within the readmission bound
    // interval×rise + timeout + slack (§12.2.5; an upper bound fails, §12.3), and not before
    // rise successes (a lower bound: warns).
    requirement:
      'A backend taken out by its checks gets client traffic again within the readmission bound once its checks pass, and not before rise passed checks',
    level: 'CONTRACT',
    roles: ['balancer'],
    balancer: { primaries: 3, profile: REFERENCE, needs: needsActive },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const active = activeOf(ctx)
      const o2 = backends.primaries[1]!
      const traffic = new Traffic(ctx, 'r')
      const gap = gapMs(ctx.profile!)
      try {
        const notWarm = await warmUp(ctx, traffic, active, o2)
        if (notWarm !== undefined) return notWarm
        o2.health(503)
        const t0 = traffic.fault(o2.name, 'health check answers 503')
        // Taken out: fall failed checks and one more interval with no client request.
        const out = await traffic.until(
          () => checksSince(o2, t0, 503).length >= active.fall + 1,
          removalBoundMs(active) + active.interval_ms,
          gap,
        )
        const lastOut = checksSince(o2, t0, 503).at(active.fall)?.arrivedAt
        if (!out || lastOut === undefined || arrivalsSince(o2, lastOut).length > 0) {
          traffic.timeline(`${o2.name} never taken out`)
          return observed(
            `${o2.name} was not taken out by ${active.fall} failed checks: readmission cannot be measured (see LB-09)`,
          )
        }
        // With slow start declared its share starts near zero at rise (LB-10: "it applies from
        // that point", LB-24), so its first request may come up to slow_start_s later.
        const bound = readmissionBoundMs(active) + (ctx.profile?.slow_start_s ?? 0) * 1000
        o2.health(200)
        const t1 = traffic.fault(o2.name, 'health check answers 200')
        const back = await traffic.until(() => arrivalsSince(o2, t1).length > 0, 3 * bound, gap)
        traffic.timeline(`${o2.name}'s checks fail at t0 and pass again at t1`)
        const tFirst = arrivalsSince(o2, t1)[0]
        const nOk = checksSince(o2, t1, 200).filter(
          (c) => tFirst === undefined || c.arrivedAt <= tFirst,
        ).length
        ctx.note(
          `readmission bound ${ms(bound)} (interval ${active.interval_ms} ms × rise ${active.rise} + timeout ${active.timeout_ms} ms + slack${ctx.profile?.slow_start_s === undefined ? '' : ` + slow start ${ctx.profile.slow_start_s} s`}); ` +
            `${o2.name}'s first client request after t1 at ${tFirst === undefined ? '—' : `t1+${ms(tFirst - t1)}`}, after ${nOk} passed check(s); ${errorsOf(traffic)}`,
        )
        if (!back || tFirst === undefined) {
          return violates(
            `client traffic to ${o2.name} within t1+${ms(bound)}`,
            `none within t1+${ms(performance.now() - t1)}`,
          )
        }
        const allowed = bound + ctx.lagSince(t1)
        if (tFirst - t1 > allowed) {
          return violates(
            `client traffic to ${o2.name} within t1+${ms(bound)}${lagNote(allowed - bound)}`,
            `its first client request at t1+${ms(tFirst - t1)}`,
          )
        }
        if (nOk < active.rise) {
          return violates(
            `readmitted after rise ${active.rise} passed checks`,
            `${o2.name} got client traffic after ${nOk} passed check(s)`,
            'SHOULD',
          )
        }
        return conforms(`back at t1+${ms(tFirst - t1)}, bound ${ms(bound)}`)
      } finally {
        await traffic.close()
      }
    },
  }),
  defineCase({
    id: 'initial-state-down-honoured',
    title:
      'A never-checked backend is used or not as the declared initial state says, and never after its first failed check',
    requirements: ['LB-11'],
    // A contract row cites no RFC sentence; the nearest section, for the reader.
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-11 (contract row, declared active.initial_state; catalog §12.4): `down` declared:
    // the never-checked backend gets no client request before a check of it passed (here,
    // never); `up` declared: its client traffic stops within timeout + slack after its first
    // failed check. O3's health path stays silent from before P starts (prepare), so P's
    // first check fails only at its timeout: a window of one check timeout in which a
    // never-checked O3 is usable only if P starts optimistic.
    requirement:
      'A backend that has never been checked is treated as the profile declares (initial_state up or down), and gets no client traffic once its first check has failed',
    level: 'CONTRACT',
    roles: ['balancer'],
    balancer: {
      primaries: 3,
      profile: {
        policy: 'round-robin',
        active: { ...REFERENCE_ACTIVE, timeout_ms: 300, initial_state: 'down' },
        all_unhealthy: 'fail-closed',
      },
      needs: (declared) =>
        needsActive(declared) ??
        (declared.active?.initial_state === undefined
          ? 'the profile does not declare active.initial_state'
          : undefined),
      prepare: (backends) => backends.primaries[2]?.health('timeout'),
    },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const active = activeOf(ctx)
      const o3 = backends.primaries[2]!
      const traffic = new Traffic(ctx, 'r')
      traffic.faults.push({ at: 0, backend: o3.name, what: 'health path silent from the start' })
      const slack = slackMs(active.timeout_ms, active.jitter)
      const settledAt = (): number | undefined => {
        const first = o3.healthChecks[0]?.arrivedAt
        return first === undefined ? undefined : first + active.timeout_ms + slack
      }
      try {
        const done = await traffic.until(
          () => {
            const at = settledAt()
            return (
              at !== undefined &&
              performance.now() >= at &&
              traffic.since(at).length >= 2 * backends.all.length
            )
          },
          active.interval_ms + active.timeout_ms + slack + 2000,
          Math.max(2, Math.round(gapMs(ctx.profile!) / 2)),
        )
        traffic.timeline(`${o3.name} never passes a check`)
        const first = o3.healthChecks[0]
        const got = o3.requests.map((r) => r.arrivedAt)
        if (!done || first === undefined)
          return timedOut(
            `${o3.name}'s first check and ${ms(active.timeout_ms + slack)} after it`,
            ctx.report.at(),
          )
        const last = got.at(-1)
        ctx.note(
          `declared initial_state ${active.initial_state}; ${traffic.sent.length} GETs; ${o3.name} got ${got.length} client request(s), ` +
            `the last at ${last === undefined ? '—' : `${ms(last - first.arrivedAt)} after its first check arrived`}; ${errorsOf(traffic)}`,
        )
        if (active.initial_state === 'down') {
          if (got.length > 0) {
            return violates(
              `no client request to ${o3.name} before one of its checks passed (initial_state down)`,
              `${got.length} client request(s) reached ${o3.name}, whose every check failed`,
            )
          }
          return conforms(`${o3.name} got no client request`)
        }
        if (last !== undefined && last - first.arrivedAt > active.timeout_ms + slack) {
          return violates(
            `no client request to ${o3.name} later than timeout + slack (${ms(active.timeout_ms + slack)}) after its first check`,
            `one at ${ms(last - first.arrivedAt)} after its first (failed) check`,
          )
        }
        return conforms(
          `${o3.name} got ${got.length} client request(s) before its first check failed`,
        )
      } finally {
        await traffic.close()
      }
    },
  }),
  defineCase({
    id: 'all-unhealthy-as-declared',
    title:
      'With every backend failing its checks, the balancer fails closed (a 5xx, no traffic) or open (spread) as declared',
    requirements: ['LB-26'],
    // A contract row cites no RFC sentence; the nearest section, for the reader.
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-26 (contract row, declared all_unhealthy; catalog §12.4): fail-closed: a framed 5xx
    // at once for every request, with no client traffic to the backends; fail-open (panic):
    // requests succeed, spread over every backend. Never a hang.
    requirement:
      'When every backend fails its checks, the balancer does what the profile declares: a 5xx with no traffic to the backends (fail-closed), or traffic spread over all of them (fail-open)',
    level: 'CONTRACT',
    roles: ['balancer'],
    balancer: {
      primaries: 2,
      profile: REFERENCE,
      needs: (declared) =>
        needsActive(declared) ??
        (declared.all_unhealthy === undefined
          ? 'the profile does not declare all_unhealthy'
          : undefined),
    },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const active = activeOf(ctx)
      const mode = ctx.profile?.all_unhealthy ?? 'fail-closed'
      const traffic = new Traffic(ctx, 'r')
      const started = performance.now()
      try {
        if (
          !(await checksReached(
            ctx,
            backends.all,
            active.rise,
            (active.rise + 1) * active.interval_ms + active.timeout_ms + 1000,
          ))
        ) {
          return timedOut(
            `${active.rise} health checks at every backend`,
            performance.now() - started,
          )
        }
        for (const backend of backends.all) backend.health(503)
        const t0 = traffic.fault('all', 'health checks answer 503')
        // Detection has finished: fall failed checks at every backend, and two more. A check
        // arriving proves only that the one before it was sent, not that the balancer has acted
        // on its answer: HAProxy once served this burst from O2 after fall + 1 arrivals (a
        // matrix run under load). One more interval is the time it is given to act.
        if (
          !(await checksReached(
            ctx,
            backends.all,
            active.fall + 2,
            removalBoundMs(active) + 2 * active.interval_ms,
            t0,
          ))
        ) {
          return timedOut(
            `${active.fall + 2} failed checks at every backend`,
            performance.now() - t0,
          )
        }
        const detected = traffic.fault('all', 'detection finished')
        // At once, each on its own connection: a balancer that waits for a backend to come
        // back (Caddy's lb_try_duration) delays every answer alike, not one after the other.
        const sent = await traffic.burst(N, ANSWER_WITHIN_MS)
        traffic.timeline('every backend fails its checks')
        const reached = backends.all.map((b) => ({
          name: b.name,
          n: arrivalsSince(b, detected).length,
        }))
        const statuses = sent.map((s) => s.status ?? s.error ?? '?')
        const counts = new Map<string, number>()
        for (const s of statuses) counts.set(String(s), (counts.get(String(s)) ?? 0) + 1)
        const slowest = Math.max(...sent.map((s) => (s.answeredAt ?? performance.now()) - s.sentAt))
        ctx.note(
          `declared ${mode}; ${sent.length} GETs at once after detection: ${[...counts].map(([k, v]) => `${v}× ${k}`).join(', ')}, the slowest answer after ${ms(slowest)}; ` +
            `client requests at the backends: ${reached.map((r) => `${r.name} ${r.n}`).join(', ')}`,
        )
        const hung = sent.filter((s) => s.error !== undefined)
        if (mode === 'fail-closed') {
          const wrong = sent.filter((s) => s.status === undefined || s.status < 500)
          const touched = reached.filter((r) => r.n > 0)
          if (wrong.length > 0 || touched.length > 0) {
            return violates(
              'a framed 5xx for every request, and no client traffic to the backends (fail-closed)',
              [
                wrong.length > 0
                  ? `${wrong.length} of ${sent.length} requests got ${[...new Set(wrong.map((s) => s.status ?? s.error))].join(', ')}`
                  : '',
                touched.length > 0
                  ? `client requests reached ${touched.map((r) => `${r.name} (${r.n})`).join(', ')}`
                  : '',
              ]
                .filter((x) => x !== '')
                .join('; '),
            )
          }
          return conforms()
        }
        const bad = sent.filter((s) => s.status === undefined || s.status >= 300)
        const starved = reached.filter((r) => r.n === 0)
        if (bad.length > 0 || starved.length > 0 || hung.length > 0) {
          return violates(
            'every request served, spread over every backend (fail-open)',
            [
              bad.length > 0 ? `${bad.length} of ${sent.length} requests not served` : '',
              starved.length > 0 ? `no traffic to ${starved.map((r) => r.name).join(', ')}` : '',
            ]
              .filter((x) => x !== '')
              .join('; '),
          )
        }
        return conforms()
      } finally {
        await traffic.close()
      }
    },
  }),
]
