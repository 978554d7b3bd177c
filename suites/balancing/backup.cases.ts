import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import {
  FAILOVER_TIMEOUT_MS,
  REFERENCE_ACTIVE,
  Traffic,
  checksReached,
  failed,
  gapMs,
  ms,
  readmissionBoundMs,
  removalBoundMs,
  slackMs,
} from './failover.js'
import { backendsOf } from './lb.js'

/** Client requests in phase 1, once warm. */
const PHASE1 = 30

export const backupCases = [
  defineCase({
    id: 'backup-only-when-primaries-down',
    title:
      'Backups get no traffic while a primary is usable, take over when every primary is down, and give the traffic back',
    requirements: ['LB-13'],
    // A contract row cites no RFC sentence; the nearest section, for the reader.
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-13 (contract row, declared backup; catalog §12.4): backups get no client traffic
    // while at least one primary is usable; when every primary is unusable they serve
    // within the removal bound (with mode `first` only the first backup; with `all` every
    // one); once a primary is usable again, new traffic goes back to the primaries within
    // the readmission bound (active checks) or fail_timeout + slack (passive checks only).
    requirement:
      'Backups get no client traffic while a primary is usable; they take over when every primary is down; traffic returns to a primary that recovers',
    level: 'CONTRACT',
    roles: ['balancer'],
    balancer: {
      primaries: 2,
      backups: 2,
      profile: {
        policy: 'round-robin',
        active: REFERENCE_ACTIVE,
        backup: { origins: 2, mode: 'first' },
        all_unhealthy: 'fail-closed',
      },
      needs: (declared) =>
        declared.backup === undefined ? 'the profile declares no backups' : undefined,
    },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const profile = ctx.profile ?? { policy: 'round-robin' }
      const active = profile.active
      const passive = profile.passive
      const [o1, o2] = backends.primaries
      const [b1, b2] = backends.backups
      if (o1 === undefined || o2 === undefined || b1 === undefined || b2 === undefined) {
        throw new Error(
          '[proxyspec] backup-only-when-primaries-down needs 2 primaries and 2 backups',
        )
      }
      const gap = gapMs(profile)
      const traffic = new Traffic(ctx, 'r')
      const on = (names: readonly string[], from: number): number =>
        traffic.since(from).filter((s) => s.backend !== undefined && names.includes(s.backend))
          .length
      const atBackups = (from: number): number =>
        backends.backups.flatMap((b) => b.requests).filter((r) => r.arrivedAt >= from).length
      try {
        // Warm: every backend has passed rise checks (so each is usable, whatever its initial state).
        const started = performance.now()
        if (active !== undefined) {
          const n = Math.max(1, active.rise)
          if (
            !(await checksReached(
              ctx,
              backends.all,
              n,
              (n + 1) * active.interval_ms + active.timeout_ms + 1000,
            ))
          ) {
            return timedOut(
              `${n} health checks at every backend (warm)`,
              performance.now() - started,
            )
          }
        }
        // Phase 1: both primaries up.
        const p1 = performance.now()
        await traffic.until(() => traffic.since(p1).length >= PHASE1, PHASE1 * 200, gap)
        const early = atBackups(p1)
        // Phase 2: every primary down.
        // kill, not only refuse: a pooled keep-alive connection would keep a refusing primary usable.
        await Promise.all([o1.kill(), o2.kill()])
        o1.health(503)
        o2.health(503)
        const t0 = traffic.fault('O1+O2', 'killed, health 503')
        const removal = active === undefined ? 0 : removalBoundMs(active)
        const bound2 = active === undefined ? slackMs(0) : removal
        const names = backends.backups.map((b) => b.name)
        const backupServed = (x: { backend?: string }): boolean =>
          x.backend !== undefined && names.includes(x.backend)
        // Taken over: the last 2 × (backends) requests all served by backups; else the bound passed.
        const tookOver = (): boolean => {
          const last = traffic.sent.slice(-2 * backends.all.length)
          return (
            last.length === 2 * backends.all.length &&
            last.every((x) => x.sentAt >= t0 && backupServed(x) && !failed(x))
          )
        }
        await traffic.until(
          () =>
            tookOver() ||
            (performance.now() >= t0 + bound2 &&
              traffic.since(t0 + bound2).length >= 2 * backends.all.length),
          bound2 + 2000,
          gap,
        )
        const servedAt = backends.backups
          .flatMap((b) => b.requests)
          .filter((r) => r.arrivedAt >= t0)
          .map((r) => r.arrivedAt)
          .sort((a, b) => a - b)[0]
        const from2 = Math.min(
          t0 + bound2,
          traffic.since(t0).find((x) => backupServed(x))?.sentAt ?? Infinity,
        )
        const late2 = traffic.since(from2)
        const errors2 = late2.filter(failed).length
        const budget = profile.failover?.client_errors_allowed ?? 0
        const mode = profile.backup?.mode ?? 'first'
        const b1n = on([b1.name], from2)
        const b2n = on([b2.name], from2)
        // Phase 3: O1 back.
        const readmit =
          active !== undefined
            ? readmissionBoundMs(active)
            : (passive?.fail_timeout_s ?? 0) * 1000 + slackMs((passive?.fail_timeout_s ?? 0) * 1000)
        let phase3: string
        let late3: number | undefined
        if (readmit + 1000 > ctx.remainingMs() - 500) {
          phase3 = `phase 3 not run: the recovery bound ${ms(readmit)} does not fit what is left of the case`
        } else {
          await o1.comeBack()
          o1.health(200)
          const t1 = traffic.fault(o1.name, 'listens, health 200')
          await traffic.until(
            () =>
              performance.now() >= t1 + readmit &&
              traffic.since(t1 + readmit).length >= 2 * backends.all.length,
            readmit + 2000,
            gap,
          )
          late3 = atBackups(t1 + readmit)
          phase3 = `phase 3: ${late3} client request(s) at the backups after t1+${ms(readmit)}, ${on([o1.name], t1)} at ${o1.name} after t1`
        }
        traffic.timeline('primaries down at t0, O1 back at t1')
        ctx.note(
          `phase 1: ${early} client request(s) at the backups of ${traffic.since(p1).filter((s) => s.sentAt < t0).length}; ` +
            `phase 2: first backup request at ${servedAt === undefined ? '—' : `t0+${ms(servedAt - t0)}`}, bound ${ms(bound2)}, after it ${b1.name} ${b1n}, ${b2.name} ${b2n}, ${errors2} error(s) of ${late2.length} (budget ${budget}); ${phase3}`,
        )
        const wrong: string[] = []
        if (early > 0)
          wrong.push(
            `phase 1: ${early} client request(s) reached a backup while both primaries were up`,
          )
        // The takeover bound, widened by the harness's own lag. A takeover up to one check
        // interval past it only warns (§12.3: a lower-confidence band): the fault can land
        // just after a check, and a request in flight when the primaries went down is
        // redispatched (HAProxy: connection refused, then the backup) a moment later.
        const takeover = servedAt === undefined ? Infinity : servedAt - t0 - ctx.lagSince(t0)
        const band = active?.interval_ms ?? 0
        const late: string[] = []
        if (takeover > bound2 + band)
          wrong.push(`phase 2: no backup served within t0+${ms(bound2 + band)}`)
        else if (takeover > bound2)
          late.push(
            `phase 2: the first backup request came at t0+${ms(takeover)}, within one check interval past the bound (t0+${ms(bound2)})`,
          )
        if (errors2 > budget)
          wrong.push(
            `phase 2: ${errors2} client-visible error(s) once the backups served or the bound passed (budget ${budget})`,
          )
        if (mode === 'first' && b2n > 0)
          wrong.push(
            `phase 2: ${b2n} request(s) at ${b2.name} although mode first (only ${b1.name})`,
          )
        if (mode === 'all' && (b1n === 0 || b2n === 0) && late2.length >= 4)
          wrong.push(`phase 2: mode all, but ${b1.name} ${b1n} and ${b2.name} ${b2n}`)
        if (late3 !== undefined && late3 > 0)
          wrong.push(
            `phase 3: ${late3} client request(s) still at the backups after the recovery bound`,
          )
        if (wrong.length > 0)
          return violates('backups used only while every primary is down', wrong.join('; '))
        if (late.length > 0)
          return violates(
            `the backups serving within the removal bound (t0+${ms(bound2)})`,
            late.join('; '),
            'SHOULD',
          )
        return conforms(phase3)
      } finally {
        await traffic.close()
      }
    },
  }),
]
