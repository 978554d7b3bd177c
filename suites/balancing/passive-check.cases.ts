import { defineCase } from '../../harness/engine/model/case.js'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { FAILOVER_TIMEOUT_MS, Traffic, failed, ms, slackMs } from './failover.js'
import { backendsOf } from './lb.js'

/** The longest declared fail_timeout this case can wait out within its deadline. */
const MAX_FAIL_TIMEOUT_S = 5

/** Pause between client requests. */
const GAP_MS = 10

export const passiveCheckCases = [
  defineCase({
    id: 'passive-check-ejects-and-returns',
    title:
      'A backend that resets requests is taken out after max_fails, gets nothing for fail_timeout, then traffic again; idempotent requests still succeed',
    requirements: ['LB-08'],
    // LB-08 (catalog §12.4; RFC 9110 §9.2.2 lets a proxy repeat an idempotent request, a
    // MAY, so the detail is the declared contract): with passive checks declared, idempotent
    // requests still succeed through another backend when retries are declared (client
    // errors within the budget, 0 with retries); the backend is taken out after max_fails
    // failures; it gets no attempt for fail_timeout (tolerance: slack, §12.2.5); traffic
    // returns within fail_timeout + slack once it is healthy.
    requirement:
      'A failing backend is taken out after max_fails failures, gets no traffic for fail_timeout, and gets traffic again after it; idempotent requests still succeed when retries are declared',
    level: 'CONTRACT',
    spec: [{ rfc: 9110, section: '9.2.2' }],
    roles: ['balancer'],
    balancer: {
      primaries: 3,
      profile: {
        policy: 'round-robin',
        retries: { idempotent: 1, redispatch: true },
        passive: { max_fails: 2, fail_timeout_s: 1, window: 'quiet-period', probe_requests: 1 },
      } satisfies BalancerProfile,
      needs: (declared) =>
        declared.passive === undefined
          ? 'the profile declares no passive checks'
          : declared.passive.fail_timeout_s > MAX_FAIL_TIMEOUT_S
            ? `the declared fail_timeout (${declared.passive.fail_timeout_s} s) is longer than this case can wait (${MAX_FAIL_TIMEOUT_S} s within its ${FAILOVER_TIMEOUT_MS / 1000} s deadline)`
            : undefined,
    },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const profile = ctx.profile ?? { policy: 'round-robin' }
      const passive = profile.passive
      if (passive === undefined)
        throw new Error('[proxyspec] passive-check-ejects-and-returns ran without passive checks')
      const o2 = backends.primaries[1]!
      const failTimeout = passive.fail_timeout_s * 1000
      const tolerance = slackMs(failTimeout)
      const retries = profile.retries?.idempotent ?? 0
      const budget =
        profile.failover?.client_errors_allowed ?? (retries >= 1 ? 0 : passive.max_fails)
      const traffic = new Traffic(ctx, 'r')
      try {
        // Warm: O2 serves.
        const warm = performance.now()
        await traffic.until(() => o2.requests.some((r) => r.arrivedAt >= warm), 2000, GAP_MS)
        o2.resetAfter('request')
        const t0 = traffic.fault(o2.name, 'resets every request once read')
        const failures = (): number =>
          o2.requests.filter((r) => r.arrivedAt >= t0 && r.outcome === 'reset').length
        const marked = await traffic.until(() => failures() >= passive.max_fails, 3000, GAP_MS)
        const tMark = o2.requests.filter((r) => r.arrivedAt >= t0 && r.outcome === 'reset')[
          passive.max_fails - 1
        ]?.arrivedAt
        if (!marked || tMark === undefined) {
          traffic.timeline(`${o2.name} resets from t0`)
          return timedOut(
            `${passive.max_fails} failed attempts at ${o2.name}`,
            performance.now() - t0,
          )
        }
        // Healthy again at once: whatever reaches it now is the balancer's choice alone.
        await o2.heal()
        const t1 = traffic.fault(o2.name, 'healthy again')
        const by = tMark + failTimeout + tolerance
        await traffic.until(
          () => performance.now() >= by && o2.requests.some((r) => r.arrivedAt >= t1),
          by - performance.now() + 1000,
          GAP_MS,
        )
        traffic.timeline(`${o2.name} resets from t0, healthy again once marked`)
        const quiet = o2.requests.filter(
          (r) => r.arrivedAt > tMark && r.arrivedAt < tMark + failTimeout - tolerance,
        )
        const back = o2.requests.find((r) => r.arrivedAt >= t1 && r.outcome !== 'reset')
        const errors = traffic.since(t0).filter(failed)
        ctx.note(
          `max_fails ${passive.max_fails}, fail_timeout ${ms(failTimeout)} (tolerance ${ms(tolerance)}), retries ${retries}: ` +
            `marked at t0+${ms(tMark - t0)}; ${quiet.length} attempt(s) at ${o2.name} in the quiet period; ` +
            `back at ${back === undefined ? '—' : `mark+${ms(back.arrivedAt - tMark)}`}; ${errors.length} client-visible error(s) of ${traffic.since(t0).length} (budget ${budget})`,
        )
        const wrong: string[] = []
        if (errors.length > budget)
          wrong.push(
            `${errors.length} client-visible error(s) for idempotent GETs (budget ${budget})`,
          )
        if (quiet.length > 0)
          wrong.push(
            `${quiet.length} attempt(s) at ${o2.name} within fail_timeout of being marked (the first at mark+${ms(quiet[0]!.arrivedAt - tMark)})`,
          )
        if (back === undefined || back.arrivedAt > by)
          wrong.push(`no traffic back at ${o2.name} by mark+${ms(failTimeout + tolerance)}`)
        if (wrong.length > 0)
          return violates(
            'out after max_fails for fail_timeout, then back; idempotent requests served',
            wrong.join('; '),
          )
        return conforms(`back at mark+${ms(back!.arrivedAt - tMark)}`)
      } finally {
        await traffic.close()
      }
    },
  }),
]
