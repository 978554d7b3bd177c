/**
 * What the distribution cases share (catalog §12.3): sending many GETs with
 * ids, sequentially on one keep-alive connection, each on a fresh one, or over
 * parallel keep-alive lanes, and reading from the backends' records which
 * backend served each id.
 */
import { lbRequest, type LbRequestOptions } from '../../harness/backends/lb-id.js'
import type { StartedBackends } from '../../harness/backends/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { RawClient } from '../../harness/client/types.js'
import type { BalanceTest } from '../../harness/engine/model/balance.js'
import type { GoodnessOfFit } from '../../harness/stats/index.js'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import { timedOut, type Outcome } from '../../harness/engine/model/outcome.js'

/** What happened to the requests of a batch on the client side. */
export interface Batch {
  readonly ids: readonly string[]
  /** Requests that got no complete response (closed, timed out, malformed) or a 5xx. */
  readonly errors: readonly string[]
  /** Requests never sent: the case deadline came first. */
  readonly skipped: number
  readonly ms: number
}

/** One GET per id; `extra(id)` gives the request's path and fields. */
export type RequestShape = (id: string) => Omit<LbRequestOptions, 'host'>

/**
 * Sends one GET per id, in order, each waiting for its response: on one
 * keep-alive connection (a new one only if the target closed it), or each on
 * a fresh connection (`fresh`). Stops at the case deadline (the rest are
 * skipped). A reused connection that closes with no response gets C's one
 * retry of an idempotent request on a new connection (catalog §12.2.1).
 */
export async function sendSequential(
  ctx: CaseContext,
  ids: readonly string[],
  options: { readonly fresh?: boolean; readonly shape?: RequestShape } = {},
): Promise<Batch> {
  const started = performance.now()
  const errors: string[] = []
  let client: RawClient | undefined
  let skipped = 0
  for (const id of ids) {
    if (ctx.remainingMs() < 100) {
      skipped += 1
      continue
    }
    const reused = client !== undefined
    client ??= await ctx.connect()
    let ok = await exchange(ctx, client, id, options.shape)
    if (ok === 'closed' && reused) {
      await client.close()
      client = await ctx.connect()
      ok = await exchange(ctx, client, id, options.shape)
    }
    if (ok !== undefined && ok !== CLOSING) errors.push(`${id}: ${ok}`)
    if (options.fresh === true || ok !== undefined) {
      await client.close()
      client = undefined
    }
  }
  await client?.close()
  return { ids, errors, skipped, ms: performance.now() - started }
}

/** Sends the ids over `lanes` parallel keep-alive connections, each sequential. */
export async function sendParallel(
  ctx: CaseContext,
  ids: readonly string[],
  lanes: number,
  shape?: RequestShape,
): Promise<Batch> {
  const started = performance.now()
  const queue = [...ids]
  const errors: string[] = []
  let skipped = 0
  const lane = async (): Promise<void> => {
    let client: RawClient | undefined
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (ctx.remainingMs() < 100) {
        skipped += 1
        continue
      }
      const reused = client !== undefined
      client ??= await ctx.connect()
      let ok = await exchange(ctx, client, id, shape)
      if (ok === 'closed' && reused) {
        await client.close()
        client = await ctx.connect()
        ok = await exchange(ctx, client, id, shape)
      }
      if (ok !== undefined) {
        if (ok !== CLOSING) errors.push(`${id}: ${ok}`)
        await client.close()
        client = undefined
      }
    }
    await client?.close()
  }
  await Promise.all(Array.from({ length: lanes }, lane))
  return { ids, errors, skipped, ms: performance.now() - started }
}

/** One request and its response; why it failed, or undefined. */
async function exchange(
  ctx: CaseContext,
  client: RawClient,
  id: string,
  shape: RequestShape | undefined,
): Promise<string | undefined> {
  await client.write(lbRequest(id, { ...(shape?.(id) ?? {}), host: ctx.originHost }))
  const answer = await client.readResponse({ timeoutMs: Math.max(50, ctx.remainingMs() - 50) })
  if (answer.kind !== 'response') return answer.kind
  const status = answer.message.head.status
  if (status >= 500) return `answered ${status}`
  const close = answer.message.head.headers.some(
    (f) => f.name.toLowerCase() === 'connection' && /\bclose\b/i.test(f.value),
  )
  return close ? CLOSING : undefined
}

/** A response that ends its connection: not an error, but the next request needs a new one. */
const CLOSING = ''

/** Which backend read each id (its first delivery), from the backends' records. */
export function servedBy(backends: StartedBackends): Map<string, string> {
  const by = new Map<string, string>()
  const all = backends.all
    .flatMap((b) => b.requests.map((r) => ({ name: b.name, r })))
    .sort((a, b) => a.r.arrivedAt - b.r.arrivedAt)
  for (const { name, r } of all) if (r.id !== undefined && !by.has(r.id)) by.set(r.id, name)
  return by
}

/** Every backend that read each id (a hash key's repeats share one id). */
export function allServers(backends: StartedBackends): Map<string, Set<string>> {
  const by = new Map<string, Set<string>>()
  for (const b of backends.all)
    for (const r of b.requests) {
      if (r.id === undefined) continue
      const set = by.get(r.id) ?? new Set<string>()
      set.add(b.name)
      by.set(r.id, set)
    }
  return by
}

/** The backend of each id in order ('-' when none read it). */
export function sequenceOf(ids: readonly string[], by: ReadonlyMap<string, string>): string[] {
  return ids.map((id) => by.get(id) ?? '-')
}

/** Requests per backend name, every backend listed. */
export function countsOf(names: readonly string[], sequence: readonly string[]): number[] {
  return names.map((n) => sequence.filter((s) => s === n).length)
}

/** "O1 167, O2 166, O3 167". */
export function describeCounts(names: readonly string[], counts: readonly number[]): string {
  return names.map((n, i) => `${n} ${counts[i] ?? 0}`).join(', ')
}

/** Ids `<token>-<tag><i>` for i in 0…n−1. */
export function idsFor(token: string, tag: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${token}-${tag}${i}`)
}

/** Expected counts from shares (weights) and a total. */
export function expectedCounts(shares: readonly number[], total: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0)
  return shares.map((w) => (sum === 0 ? 0 : (total * w) / sum))
}

/** The report's test line of a goodness-of-fit result. */
export function fitTest(fit: GoodnessOfFit): BalanceTest {
  return { name: fit.test, statistic: fit.statistic, df: fit.df, pValue: fit.pValue }
}

/** The weights in force: the declared ones, else all 1. */
export function weightsOf(weights: readonly number[] | undefined, n: number): number[] {
  return Array.from({ length: n }, (_, i) => weights?.[i] ?? 1)
}

/** How many client requests each backend had recorded: a mark to read a phase from. */
export function markOf(backends: StartedBackends): number[] {
  return backends.all.map((b) => b.requests.length)
}

/** The backends that read each id since `mark` (markOf), by id. */
export function serversSince(
  backends: StartedBackends,
  mark: readonly number[],
): Map<string, Set<string>> {
  const by = new Map<string, Set<string>>()
  backends.all.forEach((b, i) => {
    for (const r of b.requests.slice(mark[i] ?? 0)) {
      if (r.id === undefined) continue
      const set = by.get(r.id) ?? new Set<string>()
      set.add(b.name)
      by.set(r.id, set)
    }
  })
  return by
}

/** The outcome of a batch the case deadline cut short, else undefined. */
export function cutShort(batch: Batch, what: string): Outcome | undefined {
  if (batch.skipped === 0) return undefined
  return timedOut(
    `${what}: ${batch.ids.length - batch.skipped} of ${batch.ids.length} sent before the case deadline`,
    batch.ms,
  )
}

/** slack = max(0.5 s, 20 %) + declared jitter (catalog §12.2.5), in ms, for a bound of `ms`. */
function withSlack(ms: number, profile: BalancerProfile): number {
  const jitter = (profile.active?.jitter ?? 0) * (profile.active?.interval_ms ?? 0)
  return ms + Math.max(500, 0.2 * ms) + jitter
}

/**
 * The removal bound (catalog §12.2.5): interval×fall + timeout + slack with
 * active checks; with passive checks only, the first failures take a backend
 * out, so slack alone.
 */
export function removalBoundMs(profile: BalancerProfile): number {
  const active = profile.active
  return withSlack(
    active === undefined ? 0 : active.interval_ms * active.fall + active.timeout_ms,
    profile,
  )
}

/**
 * The readmission bound (catalog §12.2.5): interval×rise + timeout + slack with
 * active checks; with passive checks only, fail_timeout + slack.
 */
export function readmissionBoundMs(profile: BalancerProfile): number {
  const active = profile.active
  if (active !== undefined)
    return withSlack(active.interval_ms * active.rise + active.timeout_ms, profile)
  return withSlack((profile.passive?.fail_timeout_s ?? 0) * 1000, profile)
}

/**
 * Sends GETs one after another on one keep-alive connection until `done`
 * holds for the backends that served the last ones, or `withinMs` passes;
 * between two, `between` may wait for an event (never a sleep). Whether
 * `done` held, and how many were sent.
 */
export async function sendUntil(
  ctx: CaseContext,
  tag: string,
  withinMs: number,
  done: (recent: readonly string[]) => boolean,
  /** Waits for an event (e.g. the next health check) before the next request, given what came so far. */
  between?: (recent: readonly string[], untilMs: number) => Promise<unknown>,
): Promise<{ readonly reached: boolean; readonly sent: number }> {
  const backends = ctx.backends
  if (backends === undefined) return { reached: false, sent: 0 }
  const until = performance.now() + Math.min(withinMs, ctx.remainingMs() / 2)
  const served: string[] = []
  let client: RawClient | undefined
  let sent = 0
  try {
    while (performance.now() < until) {
      const id = `${ctx.token}-${tag}${sent}`
      sent += 1
      const reused = client !== undefined
      client ??= await ctx.connect()
      let ok = await exchange(ctx, client, id, undefined)
      if (ok === 'closed' && reused) {
        await client.close()
        client = await ctx.connect()
        ok = await exchange(ctx, client, id, undefined)
      }
      if (ok !== undefined) {
        await client.close()
        client = undefined
      }
      served.push(ok === undefined || ok === CLOSING ? (servedBy(backends).get(id) ?? '-') : '!')
      if (done(served)) return { reached: true, sent }
      await between?.(served, until - performance.now())
    }
    return { reached: false, sent }
  } finally {
    await client?.close()
  }
}
