import type { HealthCheck } from '../../harness/backends/types.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import {
  FAILOVER_TIMEOUT_MS,
  REFERENCE_ACTIVE,
  Traffic,
  gapMs,
  ms,
  needsActive,
} from './failover.js'
import { backendsOf } from './lb.js'

/** Checks recorded per backend before judging their shape and pace. */
const CHECKS = 5

/** Client data the checks must not carry (LB-12): sent on every client request meanwhile. */
const CLIENT_COOKIE = 'proxyspec-session=client-secret'
const CLIENT_AUTH = 'Basic cHJveHlzcGVjOmNsaWVudC1zZWNyZXQ='
const CLIENT_FIELDS = ['cookie', 'authorization', 'x-forwarded-for']

function describe(check: HealthCheck): string {
  return `${check.method} ${check.target} ${check.version}${check.host === undefined ? ' (no Host)' : ` Host: ${check.host}`}`
}

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export const healthCheckCases = [
  defineCase({
    id: 'health-check-carries-host',
    title: 'An HTTP/1.1 health check carries a Host field',
    requirements: ['LB-12'],
    spec: [
      { rfc: 9112, section: '3.2' },
      { rfc: 9110, section: '7.2' },
    ],
    // LB-12, its RFC part: RFC 9112 §3.2 "A client MUST send a Host header field in all
    // HTTP/1.1 request messages"; a balancer's active check is such a request. An HTTP/1.0
    // check may leave Host out. The rest of the row (the declared shape) is graded by
    // health-check-as-declared at CONTRACT level.
    requirement: 'Every HTTP/1.1 health check the balancer sends carries a Host field',
    level: 'MUST',
    roles: ['balancer'],
    balancer: {
      primaries: 2,
      profile: { policy: 'round-robin', active: REFERENCE_ACTIVE },
      needs: needsActive,
    },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const started = performance.now()
      const checks: HealthCheck[] = []
      for (const backend of backends.all) {
        const got = await backend.waitForHealthChecks(1, Math.max(0, ctx.remainingMs() - 200))
        if (!Array.isArray(got))
          return timedOut(`a health check at ${backend.name}`, performance.now() - started)
        checks.push(...backend.healthChecks)
      }
      ctx.note(`checks: ${[...new Set(checks.map(describe))].join('; ')}`)
      const without = checks.filter((c) => c.version === 'HTTP/1.1' && c.host === undefined)
      if (without.length > 0) {
        return violates(
          'a Host field in every HTTP/1.1 health check (RFC 9112 §3.2)',
          `${without.length} of ${checks.length} HTTP/1.1 checks without Host: ${describe(without[0]!)}`,
        )
      }
      return conforms()
    },
  }),
  defineCase({
    id: 'health-check-as-declared',
    title:
      'Health checks have the declared method, path, version and Host, come at the declared interval, and carry no client data',
    requirements: ['LB-12'],
    // A contract row cites no RFC sentence; the nearest section, for the reader.
    spec: [{ rfc: 9112, section: '3.2' }],
    // LB-12, its contract part (catalog §12.4): method, path, version and Host match the
    // profile; checks reach each backend at the declared interval (median within
    // ±(jitter + 20 %)); checks carry nothing taken from client traffic (Cookie,
    // Authorization, X-Forwarded-For).
    requirement:
      'Health checks match the declared method, path, version and Host, come at the declared interval, and carry no client data',
    level: 'CONTRACT',
    roles: ['balancer'],
    balancer: {
      primaries: 2,
      profile: { policy: 'round-robin', active: REFERENCE_ACTIVE },
      needs: needsActive,
    },
    timeoutMs: FAILOVER_TIMEOUT_MS,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const active = ctx.profile?.active
      if (active === undefined)
        throw new Error('[proxyspec] health-check-as-declared ran without active checks')
      // Authenticated, cookie-bearing client traffic while the checks are recorded.
      const traffic = new Traffic(ctx, 'c', [
        ['Cookie', CLIENT_COOKIE],
        ['Authorization', CLIENT_AUTH],
      ])
      const enough = (): boolean => backends.all.every((b) => b.healthChecks.length >= CHECKS)
      const started = performance.now()
      await traffic.until(
        enough,
        (CHECKS + 1) * active.interval_ms + active.timeout_ms + 1000,
        Math.max(20, gapMs(ctx.profile!) * 4),
      )
      await traffic.close()
      if (!enough()) {
        return timedOut(
          `${CHECKS} health checks at every backend (${backends.all.map((b) => `${b.name}: ${b.healthChecks.length}`).join(', ')})`,
          performance.now() - started,
        )
      }
      const wrong: string[] = []
      const paces: string[] = []
      for (const backend of backends.all) {
        const checks = backend.healthChecks
        for (const check of checks) {
          const shape: string[] = []
          if (active.method !== undefined && check.method !== active.method)
            shape.push(`method ${check.method}, declared ${active.method}`)
          if (check.target.split('?')[0] !== active.path)
            shape.push(`target ${check.target}, declared ${active.path}`)
          if (active.version !== undefined && check.version !== active.version)
            shape.push(`${check.version}, declared ${active.version}`)
          if (active.host !== undefined && check.host?.toLowerCase() !== active.host.toLowerCase())
            shape.push(`Host ${check.host ?? '(none)'}, declared ${active.host}`)
          const leaked = check.headers.filter(
            (h) =>
              CLIENT_FIELDS.includes(h.name.toLowerCase()) ||
              h.value.includes('client-secret') ||
              h.value.includes(CLIENT_AUTH),
          )
          if (leaked.length > 0) shape.push(`client data: ${leaked.map((h) => h.name).join(', ')}`)
          if (shape.length > 0)
            wrong.push(`${backend.name} check ${check.seq}: ${shape.join('; ')}`)
        }
        const gaps = checks.slice(1).map((c, i) => c.arrivedAt - checks[i]!.arrivedAt)
        const med = median(gaps)!
        const tolerance = (active.jitter ?? 0) + 0.2
        paces.push(`${backend.name} median ${ms(med)}`)
        // The harness's own lag delays an in-process target's timers and our timestamps alike.
        const lag = ctx.lagSince(checks[0]?.arrivedAt ?? 0)
        if (Math.abs(med - active.interval_ms) > tolerance * active.interval_ms + lag) {
          wrong.push(
            `${backend.name}: median interval ${ms(med)}, declared ${active.interval_ms} ms ±${Math.round(tolerance * 100)} %`,
          )
        }
      }
      ctx.note(
        `checks: ${[...new Set(backends.all.flatMap((b) => b.healthChecks.map(describe)))].join('; ')}; ${paces.join(', ')}`,
      )
      if (wrong.length > 0) {
        return violates(
          'health checks as the profile declares them, without client data',
          wrong.slice(0, 6).join('; '),
        )
      }
      return conforms(paces.join(', '))
    },
  }),
]
