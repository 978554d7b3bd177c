/**
 * What the failover cases share (catalog §12.2.5): the timing bounds from the
 * declared profile, paced client traffic with one outcome per request id, and
 * the timeline that shows it (ctx.report.timeline).
 */
import type { Backend, HealthAnswer, HealthCheck } from '../../harness/backends/types.js'
import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import type { FieldLine } from '../../harness/wire/types.js'
import type { BalanceFault, BalanceRequest } from '../../harness/engine/model/balance.js'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { RawClient } from '../../harness/client/types.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { backendsOf, requestId } from './lb.js'

/** A wait that only its deadline ends (the pacing gap); a fresh one each time, so nothing accumulates on it. */
function never(): Promise<never> {
  return new Promise<never>(() => undefined)
}

export type ActiveChecks = NonNullable<BalancerProfile['active']>

/** The active-check profile every failover case runs the reference with: short, so a case takes about a second. */
export const REFERENCE_ACTIVE: ActiveChecks = {
  method: 'GET',
  path: '/healthz',
  host: 'health.test',
  version: 'HTTP/1.1',
  interval_ms: 100,
  timeout_ms: 80,
  fall: 3,
  rise: 2,
}

/** The failover cases' deadline: the real peers check every 500 ms (Apache every second). */
export const FAILOVER_TIMEOUT_MS = 10_000

/** Why a case that needs active checks is not applicable under `declared`, if it is not. */
export function needsActive(declared: BalancerProfile): string | undefined {
  return declared.active === undefined ? 'the profile declares no active checks' : undefined
}

/** slack = max(0.5 s, 20 %) + declared jitter (§12.2.5), for a bound of `base` ms. */
export function slackMs(base: number, jitter = 0): number {
  return Math.max(500, 0.2 * base) + jitter * base
}

/** How a bound widened by the harness's own event-loop lag says so in the evidence. */
export function lagNote(lagMs: number): string {
  return lagMs < 1 ? '' : `, + ${ms(lagMs)} the harness itself lagged`
}

/** interval×fall + timeout + slack (§12.2.5). */
export function removalBoundMs(active: ActiveChecks): number {
  const base = active.interval_ms * active.fall + active.timeout_ms
  return base + slackMs(base, active.jitter)
}

/** interval×rise + timeout + slack (§12.2.5). */
export function readmissionBoundMs(active: ActiveChecks): number {
  const base = active.interval_ms * active.rise + active.timeout_ms
  return base + slackMs(base, active.jitter)
}

/** The pause between two client requests: 20 per check interval, between 5 and 50 ms. */
export function gapMs(profile: BalancerProfile): number {
  const interval = profile.active?.interval_ms ?? 500
  return Math.min(50, Math.max(5, Math.round(interval / 20)))
}

/** One client request and how it ended. */
export interface Sent {
  readonly id: string
  /** performance.now() when it was written. */
  readonly sentAt: number
  /** performance.now() when the answer (or its failure) came. */
  readonly answeredAt?: number
  readonly status?: number
  /** X-Proxyspec-Backend of the answer. */
  readonly backend?: string
  /** Set when the client saw no response (closed, timeout, malformed). */
  readonly error?: string
}

/** A client-visible error (§12.2.1): a 5xx, or no response. */
export function failed(sent: Sent): boolean {
  return sent.error !== undefined || (sent.status ?? 0) >= 500
}

/**
 * Sequential GETs with fresh ids on one keep-alive client connection (a new
 * one when the balancer closes it), paced by gapMs: the steady client
 * traffic of a failover case.
 */
export class Traffic {
  readonly sent: Sent[] = []
  readonly faults: BalanceFault[] = []
  readonly #ctx: CaseContext
  readonly #prefix: string
  readonly #headers: readonly FieldLine[]
  #client: RawClient | undefined
  #n = 0

  constructor(ctx: CaseContext, prefix: string, headers: readonly FieldLine[] = []) {
    this.#ctx = ctx
    this.#prefix = prefix
    this.#headers = headers
  }

  /** Sends one GET on the keep-alive connection and reads its answer (within a second, or what is left of the case). */
  async one(): Promise<Sent> {
    this.#client ??= await this.#ctx.connect().catch(() => undefined)
    const { sent, keep } = await this.#exchange(this.#client, 1000)
    if (!keep) await this.#drop()
    this.sent.push(sent)
    return sent
  }

  /**
   * Sends `n` GETs at once, each on a fresh connection, and waits for every
   * answer (each within `readMs`, or what is left of the case).
   */
  async burst(n: number, readMs: number): Promise<Sent[]> {
    const all = await Promise.all(
      Array.from({ length: n }, async () => {
        const client = await this.#ctx.connect().catch(() => undefined)
        const { sent } = await this.#exchange(client, readMs)
        await client?.close()
        return sent
      }),
    )
    this.sent.push(...all)
    return all
  }

  /** One request and its answer on `client`; keep: the connection may carry the next one. */
  async #exchange(
    client: RawClient | undefined,
    readMs: number,
  ): Promise<{ sent: Sent; keep: boolean }> {
    const ctx = this.#ctx
    this.#n += 1
    const id = requestId(ctx, `${this.#prefix}${this.#n}`)
    const sentAt = performance.now()
    if (client === undefined) return { sent: { id, sentAt, error: 'connect failed' }, keep: false }
    try {
      await client.write(lbRequest(id, { host: ctx.originHost, headers: this.#headers }))
      const answer = await client.readResponse({
        timeoutMs: Math.max(0, Math.min(readMs, ctx.remainingMs() - 100)),
      })
      const answeredAt = performance.now()
      if (answer.kind !== 'response') {
        const error = answer.kind === 'closed' ? `closed (${answer.how})` : answer.kind
        return { sent: { id, sentAt, answeredAt, error }, keep: false }
      }
      const parsed = parseLbResponse(answer.message)
      const sent: Sent = {
        id,
        sentAt,
        answeredAt,
        ...(parsed.status === undefined ? {} : { status: parsed.status }),
        ...(parsed.backend === undefined ? {} : { backend: parsed.backend }),
      }
      return { sent, keep: !/\bclose\b/i.test(connectionField(answer.message.head.headers)) }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return { sent: { id, sentAt, error: message }, keep: false }
    }
  }

  /**
   * Sends paced GETs until `done()` is true (checked before each request), or
   * until `maxMs` from now or the case deadline (less a reserve), whichever
   * comes first. Returns whether `done()` came true.
   */
  async until(done: () => boolean, maxMs: number, gap: number): Promise<boolean> {
    const ctx = this.#ctx
    const end = performance.now() + Math.min(maxMs, Math.max(0, ctx.remainingMs() - 500))
    while (performance.now() < end) {
      if (done()) return true
      await this.one()
      // The pace of the traffic, not a settling sleep: nothing is awaited but the gap.
      await ctx.wait('the gap between two client requests', never(), gap)
      if (ctx.signal.aborted) return false
    }
    return done()
  }

  /** Marks a fault the case caused, now, on the timeline. */
  fault(backend: string, what: string): number {
    const now = performance.now()
    this.faults.push({ at: this.#ctx.report.at(now), backend, what })
    return now
  }

  /** The requests sent since `from` (performance.now()). */
  since(from: number): Sent[] {
    return this.sent.filter((s) => s.sentAt >= from)
  }

  /** Records the timeline (ctx.report.timeline) of every request sent so far. */
  timeline(title: string): void {
    const ctx = this.#ctx
    const requests: BalanceRequest[] = this.sent.map((s) => ({
      at: ctx.report.at(s.sentAt),
      id: s.id,
      ...(s.backend === undefined ? {} : { backend: s.backend }),
      ...(s.status === undefined ? {} : { status: s.status }),
      outcome: failed(s) ? 'error' : 'ok',
    }))
    ctx.report.timeline({
      title,
      backends: backendsOf(ctx).all.map((b) => b.name),
      faults: this.faults,
      requests,
    })
  }

  async close(): Promise<void> {
    await this.#drop()
  }

  async #drop(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    await client?.close()
  }
}

function connectionField(
  headers: readonly { readonly name: string; readonly value: string }[],
): string {
  return headers
    .filter((h) => h.name.toLowerCase() === 'connection')
    .map((h) => h.value)
    .join(',')
}

/** Client requests `backend` read at or after `from` (performance.now()). */
export function clientRequestsSince(backend: Backend, from: number): number[] {
  return backend.requests.filter((r) => r.arrivedAt >= from).map((r) => r.arrivedAt)
}

/** Health checks `backend` answered with `answer` at or after `from`. */
export function checksSince(
  backend: Backend,
  from: number,
  answer?: HealthAnswer,
): readonly HealthCheck[] {
  return backend.healthChecks.filter(
    (c) => c.arrivedAt >= from && (answer === undefined || c.answer === answer),
  )
}

/**
 * Waits (deadline: `withinMs`, capped by the case) until every backend has
 * answered `n` health checks since `from`; false if the time ran out.
 */
export async function checksReached(
  ctx: CaseContext,
  backends: readonly Backend[],
  n: number,
  withinMs: number,
  from = 0,
): Promise<boolean> {
  const within = Math.max(0, Math.min(withinMs, ctx.remainingMs() - 500))
  for (const backend of backends) {
    const got = await backend.waitFor(
      `${n} health checks at ${backend.name}`,
      () => (checksSince(backend, from).length >= n ? true : undefined),
      Math.max(0, within),
    )
    if (isTimeout(got)) return false
  }
  return true
}

/** "412 ms" */
export function ms(value: number): string {
  return `${Math.round(value)} ms`
}
