import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import type { Backend } from '../../harness/backends/types.js'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { RawClient } from '../../harness/client/types.js'
import { Deadline, isTimeout } from '../../harness/net/deadline.js'
import {
  conforms,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { ms } from './failover.js'
import { backendsOf, deliveries } from './lb.js'
import { idsFor } from './spread.js'

/**
 * LB-23 (catalog §12.4; RFC 9110 §15.6.4 for the code): per-backend connection
 * limit, queue and backup. The row's sizes are 10 concurrent GETs and a /slow
 * of 3 s; here the backends answer after SLOW_MS (400 ms) or hold their
 * answers until the case ends, which keeps each case near a second on the
 * reference. The verdict keeps its meaning: what is graded is how many
 * requests a backend holds at once and what happens to the excess while the
 * backends are busy, and 400 ms is still far longer than the reference (or
 * any peer) takes to place or refuse a request (a few ms), so "waited" and
 * "at once" stay apart.
 */

/** A backend's answer delay in the limit case: long enough for every request to be placed first. */
const SLOW_MS = 400

/** How long a held backend keeps its answers: past the case's end (it is killed then). */
const HOLD_MS = 10_000

/** "Promptly" (no queue) and the row's slack on the queue timeout: 1 s. */
const REJECT_SLACK_MS = 1000

/** The margin on each round of SLOW_MS answers when counting what a queue timeout lets through. */
const WAITED_MS = SLOW_MS / 2

const PRIMARIES = 3

/** The reference's limits: 2 per backend (the row's), a queue of 2 that waits up to 1 s. */
const REFERENCE: BalancerProfile = {
  policy: 'round-robin',
  max_conns_per_backend: 2,
  queue: { size: 2, timeout_ms: 1000 },
}

/** Why a limit case does not apply under `declared`. */
function needsLimit(declared: BalancerProfile): string | undefined {
  return declared.max_conns_per_backend === undefined
    ? 'the profile declares no max_conns_per_backend'
    : undefined
}

interface Answer {
  /** performance.now() when it came (or the read failed). */
  readonly at: number
  readonly status?: number
  readonly backend?: string
  /** Set when there was no response: closed, timeout, malformed, connect failed. */
  readonly error?: string
}

interface Pending {
  readonly id: string
  readonly sentAt: number
  readonly client: RawClient | undefined
  readonly answer: Promise<Answer>
}

/**
 * Opens `n` client connections at once and writes one GET on each; every
 * answer is read within `readMs` (capped by the case), or ends as a timeout,
 * or as a close when the case closes the client.
 */
async function sendAtOnce(
  ctx: CaseContext,
  tag: string,
  n: number,
  readMs: number,
): Promise<Pending[]> {
  return Promise.all(
    idsFor(ctx.token, tag, n).map(async (id): Promise<Pending> => {
      const client = await ctx.connect().catch(() => undefined)
      const sentAt = performance.now()
      const failedWith = (error: string): Promise<Answer> =>
        Promise.resolve({ at: performance.now(), error })
      if (client === undefined) return { id, sentAt, client, answer: failedWith('connect failed') }
      try {
        await client.write(lbRequest(id, { host: ctx.originHost }))
      } catch (error) {
        return { id, sentAt, client, answer: failedWith(String(error)) }
      }
      const timeoutMs = Math.max(0, Math.min(readMs, ctx.remainingMs() - 300))
      const answer = client.readResponse({ timeoutMs }).then(
        (read): Answer => {
          const at = performance.now()
          if (read.kind === 'response') {
            const parsed = parseLbResponse(read.message)
            return {
              at,
              ...(parsed.status === undefined ? {} : { status: parsed.status }),
              ...(parsed.backend === undefined ? {} : { backend: parsed.backend }),
            }
          }
          return { at, error: read.kind === 'closed' ? `closed (${read.how})` : read.kind }
        },
        (error: unknown): Answer => ({ at: performance.now(), error: String(error) }),
      )
      return { id, sentAt, client, answer }
    }),
  )
}

/** Closes every client (held answers end with it). */
async function closeAll(pending: readonly Pending[]): Promise<void> {
  await Promise.all(pending.map((p) => p.client?.close() ?? Promise.resolve()))
}

/** The requests `backends` read, in total. */
const arrivals = (backends: readonly Backend[]): number =>
  backends.reduce((sum, b) => sum + b.requests.length, 0)

/** "O1 2, O2 2, O3 2" */
const peaks = (backends: readonly Backend[]): string =>
  backends.map((b) => `${b.name} ${b.maxInFlight}`).join(', ')

/** "503" or "closed (fin)" */
const describeAnswer = (a: Answer): string => a.error ?? String(a.status)

/** The backends above `limit` at some moment, described; '' when none. */
function overLimit(backends: readonly Backend[], limit: number): string {
  return backends
    .filter((b) => b.maxInFlight > limit)
    .map((b) => `${b.name} held ${b.maxInFlight} at once`)
    .join('; ')
}

/** Ids answered with something other than a 2xx that a backend read nevertheless ('' when none). */
function touchedRejected(
  ctx: CaseContext,
  rejected: readonly { readonly id: string; readonly answer: Answer }[],
): string {
  const backends = backendsOf(ctx)
  return rejected
    .map((r) => ({ r, at: deliveries(backends, r.id) }))
    .filter((x) => x.at.length > 0)
    .map((x) => `${x.r.id} (${describeAnswer(x.r.answer)}) reached ${x.at[0]!.backend.name}`)
    .join('; ')
}

/** The rejection codes seen, for the note (which 5xx is INFO: RFC 9110 §15.6.4 expects 503). */
function codesOf(answers: readonly Answer[]): string {
  const counts = new Map<string, number>()
  for (const a of answers) counts.set(describeAnswer(a), (counts.get(describeAnswer(a)) ?? 0) + 1)
  return [...counts].map(([code, n]) => `${n}× ${code}`).join(', ') || 'none'
}

/**
 * Waits until the backends together hold `n` requests in flight (deadline:
 * `withinMs`, capped by the case); false if they did not.
 */
async function inFlightReaches(
  ctx: CaseContext,
  backends: readonly Backend[],
  n: number,
  withinMs: number,
): Promise<boolean> {
  const total = (): number => backends.reduce((sum, b) => sum + b.inFlight, 0)
  const end = performance.now() + Math.max(0, Math.min(withinMs, ctx.remainingMs() - 300))
  // Any backend's change may complete the count: wait on each in turn until the total is there.
  while (total() < n) {
    const left = end - performance.now()
    if (left <= 0) return false
    // One deadline for the waits; the losers end with it (no timer left behind).
    const stop = new AbortController()
    const within = new Deadline(left, stop.signal)
    const moved = await Promise.race(
      backends.map((b) => {
        const start = b.inFlight
        const changed = (): true | undefined => (b.inFlight !== start ? true : undefined)
        return b.waitFor('a change of requests in flight', changed, within)
      }),
    )
    stop.abort()
    within.dispose()
    if (isTimeout(moved) && total() < n) return false
  }
  return true
}

export const limitsCases = [
  defineCase({
    id: 'connection-limit-holds',
    title:
      'With a per-backend limit declared, no backend holds more than the limit; the excess waits in the declared queue or is refused at once, touching no backend',
    requirements: ['LB-23'],
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-23 (hybrid row: Contract, the code Semantic/INFO; catalog §12.4): with
    // max_conns_per_backend declared, a backend never sees more than the limit in flight
    // from P; excess requests wait in the declared queue (at most `size` of them), or P
    // rejects them promptly with a 5xx without touching any backend. RFC 9110 §15.6.4: 503
    // means the server is temporarily unable to handle the request (overload); which 5xx
    // is informational (nginx answers 502). Sized down from the row (see the file's head).
    requirement:
      'No backend holds more than the declared limit; excess requests wait in the declared queue (no more than its size) or get a prompt 5xx, and a refused request reaches no backend',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 6000,
    balancer: { primaries: PRIMARIES, profile: REFERENCE, needs: needsLimit },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const profile = ctx.profile!
      const limit = profile.max_conns_per_backend!
      const size = profile.queue?.size ?? 0
      const timeout = profile.queue?.timeout_ms ?? 0
      const capacity = PRIMARIES * limit
      // The row's 10, or more: the queue full and 2 requests beyond it (a large queue, such
      // as HAProxy's unbounded one, is sent at most 8 to wait: then none is refused at once).
      const n = Math.max(10, capacity + Math.min(size, 8) + 2)
      for (const b of backends.primaries) b.slow(SLOW_MS)
      // The slowest: the last queued request waits for rounds of SLOW_MS answers, or times out.
      const readMs = (Math.ceil(n / capacity) + 1) * SLOW_MS + timeout + REJECT_SLACK_MS
      const pending = await sendAtOnce(ctx, 'c', n, readMs)
      const answers = await Promise.all(pending.map((p) => p.answer))
      await closeAll(pending)
      const all = pending.map((p, i) => ({ ...p, answer: answers[i]! }))
      const served = all.filter((r) => r.answer.status !== undefined && r.answer.status < 300)
      const refused = all.filter((r) => !served.includes(r))
      // Waited: placed at a backend only once some backend had finished an answer (a slot
      // freed): the queue held it. Timed from the backends' records, not from when it was
      // sent, so a slow start-up on a loaded machine is not taken for a wait.
      const firstFreed = Math.min(
        ...backends.all.flatMap((b) => b.requests.map((r) => r.completedAt ?? Infinity)),
      )
      const waited = served.filter((r) => {
        const at = deliveries(backends, r.id)[0]?.request.arrivedAt
        return at !== undefined && at >= firstFreed
      })
      const late = refused.filter(
        (r) => r.answer.error === 'timeout' || r.answer.at - r.sentAt > timeout + REJECT_SLACK_MS,
      )
      const queuedServed = waited
      ctx.report.distribution({
        title: `${n} concurrent GETs, limit ${limit} per backend, queue ${size}`,
        backends: backends.primaries.map((b) => ({
          name: b.name,
          observed: b.maxInFlight,
          expected: limit,
        })),
        test: { name: 'band', detail: `the most in flight at once; at most ${limit}` },
      })
      ctx.note(
        `limit ${limit}, queue ${size} (timeout ${timeout} ms), backends answer after ${SLOW_MS} ms; ${n} GETs at once: ` +
          `${served.length} served (${queuedServed.length} after waiting), ${refused.length} refused (${codesOf(refused.map((r) => r.answer))}); ` +
          `most in flight at once: ${peaks(backends.primaries)}; ${arrivals(backends.all)} requests reached the backends; ` +
          `${waited.length} placed only after a backend had answered`,
      )
      const over = overLimit(backends.all, limit)
      if (over !== '') {
        return violates(`at most ${limit} requests in flight at any backend`, over)
      }
      const touched = touchedRejected(ctx, refused)
      if (touched !== '') {
        return violates('a refused request reaches no backend', touched)
      }
      const hung = refused.filter((r) => r.answer.error === 'timeout')
      if (hung.length > 0) {
        return timedOut(
          `an answer to ${hung.length} excess request(s) (queue timeout ${timeout} ms + 1 s)`,
          readMs,
        )
      }
      if (late.length > 0) {
        return violates(
          size === 0
            ? `excess requests refused promptly (within ${ms(REJECT_SLACK_MS)}): no queue is declared`
            : `excess requests refused within the queue timeout + 1 s (${ms(timeout + REJECT_SLACK_MS)})`,
          late.map((r) => `${r.id} after ${ms(r.answer.at - r.sentAt)}`).join('; '),
        )
      }
      if (waited.length > size) {
        return violates(
          `at most ${size} request(s) waiting (the declared queue size)`,
          `${waited.length} waited: ${waited.map((r) => r.id).join(', ')}`,
        )
      }
      // A declared queue that outlasts a backend's answer must be used (not refuse at once).
      // Each SLOW_MS frees `capacity` slots: the rounds that fit in the timeout are served.
      const rounds = Math.floor(timeout / (SLOW_MS + WAITED_MS))
      const shouldServe = Math.min(size, n - capacity, rounds * capacity)
      if (queuedServed.length < shouldServe) {
        return violates(
          `${shouldServe} excess request(s) wait in the queue and are served once a backend has room (${timeout} ms > ${SLOW_MS} ms)`,
          `${queuedServed.length} were; ${refused.length} refused (${codesOf(refused.map((r) => r.answer))})`,
        )
      }
      const noResponse = refused.filter((r) => r.answer.error !== undefined)
      if (noResponse.length > 0) {
        return observed(
          `${noResponse.length} excess request(s) got no response, only ${codesOf(noResponse.map((r) => r.answer))}; the row expects a prompt 5xx (503)`,
        )
      }
      // The code is informational (RFC 9110 §15.6.4: 503 expected): it is in the note.
      return conforms(
        `peaks ${peaks(backends.primaries)}; ${queuedServed.length} served from the queue; refused: ${codesOf(refused.map((r) => r.answer))}`,
      )
    },
  }),
  defineCase({
    id: 'queue-times-out',
    title:
      'A request waiting in the declared queue while every backend stays busy is refused with a 5xx by the queue timeout (+1 s), touching no backend',
    requirements: ['LB-23'],
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-23 (Contract part): "Contract FAIL if rejection takes longer than the queue timeout
    // + 1 s"; a queued request never reaches a backend that has no room. RFC 9110 §15.6.4:
    // 503 for a temporary overload; which 5xx is informational. Every backend holds its
    // requests for the whole case, so the queue cannot drain: only its timeout ends the wait.
    requirement:
      'A request queued while every backend is at its limit is refused with a 5xx within the queue timeout + 1 s, and reaches no backend',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 6000,
    balancer: {
      primaries: PRIMARIES,
      profile: { ...REFERENCE, queue: { size: 2, timeout_ms: 300 } },
      needs: (declared) =>
        needsLimit(declared) ??
        ((declared.queue?.size ?? 0) === 0
          ? 'the profile declares no queue (connection-limit-holds grades the prompt refusal)'
          : undefined),
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const profile = ctx.profile!
      const limit = profile.max_conns_per_backend!
      const timeout = profile.queue!.timeout_ms
      const capacity = PRIMARIES * limit
      for (const b of backends.all) b.slow(HOLD_MS)
      const readMs = timeout + REJECT_SLACK_MS + 500
      const pending = await sendAtOnce(ctx, 'q', capacity + 1, readMs)
      try {
        const full = await inFlightReaches(ctx, backends.primaries, capacity, 2000)
        const placed = (p: Pending): boolean => deliveries(backends, p.id).length > 0
        if (!full) {
          return observed(
            `the backends never held ${capacity} requests at once (${arrivals(backends.all)} arrived): the queue was not reached`,
          )
        }
        const waiting = pending.filter((p) => !placed(p))
        const answers = await Promise.all(waiting.map((p) => p.answer))
        const over = overLimit(backends.all, limit)
        const lines = waiting.map(
          (p, i) =>
            `${p.id}: ${describeAnswer(answers[i]!)} after ${ms(answers[i]!.at - p.sentAt)}`,
        )
        ctx.note(
          `limit ${limit}, queue timeout ${timeout} ms; ${capacity} held at the backends (peaks ${peaks(backends.primaries)}); ` +
            `the excess: ${lines.join('; ') || 'none'}`,
        )
        if (over !== '') return violates(`at most ${limit} requests in flight at any backend`, over)
        const touched = touchedRejected(
          ctx,
          waiting.map((p, i) => ({ id: p.id, answer: answers[i]! })),
        )
        if (touched !== '') return violates('a queued request reaches no busy backend', touched)
        // The harness's own lag is not the target's (net/loop-lag.ts).
        const bound =
          timeout + REJECT_SLACK_MS + ctx.lagSince(Math.min(...waiting.map((p) => p.sentAt)))
        const slow = waiting.filter(
          (p, i) => answers[i]!.error === 'timeout' || answers[i]!.at - p.sentAt > bound,
        )
        if (slow.length > 0) {
          return violates(
            `a 5xx within the queue timeout + 1 s (${ms(bound)})`,
            lines.filter((_, i) => slow.includes(waiting[i]!)).join('; '),
          )
        }
        const early = waiting.filter((p, i) => answers[i]!.at - p.sentAt < timeout / 2)
        if (early.length > 0) {
          return violates(
            `the excess request waits in the declared queue (about ${timeout} ms) before it is refused`,
            lines.join('; '),
          )
        }
        if (answers.some((a) => a.error !== undefined)) {
          return observed(`no response, only a close: ${lines.join('; ')} (the row expects a 5xx)`)
        }
        return conforms(lines.join('; '))
      } finally {
        await closeAll(pending)
        // The held answers end now (RST), not at the end of their delay.
        await Promise.all(backends.all.map((b) => b.kill()))
      }
    },
  }),
  defineCase({
    id: 'saturation-reaches-backup-only-if-declared',
    title:
      'When every primary is at its limit, the excess goes to a backup only if the profile declares that saturation counts as down',
    requirements: ['LB-23', 'LB-13'],
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // LB-23: "Excess requests go to a backup only if the profile declares it (nginx does
    // this)"; LB-13: the profile declares whether saturation (max_conns reached) counts as
    // unusable. Declared true: the excess reaches a backup (within the limit there too);
    // declared false or absent: no backup gets a request while the primaries are usable.
    requirement:
      'Saturated primaries send the excess to a backup if and only if backup.saturation_counts_as_down is declared',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 6000,
    balancer: {
      primaries: 2,
      backups: 1,
      profile: {
        policy: 'round-robin',
        max_conns_per_backend: 1,
        backup: { origins: 1, mode: 'first', saturation_counts_as_down: false },
      },
      needs: (declared) =>
        needsLimit(declared) ??
        (declared.backup === undefined ? 'the profile declares no backup' : undefined),
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const profile = ctx.profile!
      const limit = profile.max_conns_per_backend!
      const declared = profile.backup?.saturation_counts_as_down === true
      const timeout = profile.queue?.timeout_ms ?? 0
      const capacity = backends.primaries.length * limit
      const b1 = backends.backups[0]!
      for (const b of backends.all) b.slow(HOLD_MS)
      const pending = await sendAtOnce(ctx, 's', capacity + 1, timeout + REJECT_SLACK_MS + 500)
      try {
        const full = await inFlightReaches(ctx, backends.primaries, capacity, 2000)
        if (!full) {
          return observed(
            `the primaries never held ${capacity} requests at once (${arrivals(backends.all)} arrived): not saturated`,
          )
        }
        const extra = pending.filter(
          (p) => !backends.primaries.some((b) => b.requests.some((r) => r.id === p.id)),
        )
        // Where the excess went: to B1 (it arrives there) or an answer from P (queue or refusal).
        // One deadline for the waits at B1; the losers end with it (no timer left behind).
        const stop = new AbortController()
        const within = new Deadline(timeout + REJECT_SLACK_MS, stop.signal)
        const outcome = await Promise.all(
          extra.map(async (p) => {
            const reached = b1.waitForRequest(p.id, within)
            const answered = p.answer.then((a) => ({ answered: a }))
            return Promise.race([reached.then((r) => (isTimeout(r) ? undefined : r)), answered])
          }),
        )
        stop.abort()
        within.dispose()
        const onBackup = b1.requests.length
        ctx.note(
          `limit ${limit}; saturation_counts_as_down ${declared ? 'declared' : 'not declared'}; ` +
            `primaries held ${capacity} (peaks ${peaks(backends.primaries)}); ${extra.length} excess: ` +
            `${onBackup} reached ${b1.name}; ${outcome
              .map((o) => (o !== undefined && 'answered' in o ? describeAnswer(o.answered) : ''))
              .filter((s) => s !== '')
              .join(', ')}`,
        )
        const over = overLimit(backends.all, limit)
        if (over !== '') return violates(`at most ${limit} requests in flight at any backend`, over)
        if (declared && onBackup === 0) {
          return violates(
            `the excess goes to ${b1.name} (saturation_counts_as_down declared)`,
            `${b1.name} got nothing while both primaries were at their limit`,
          )
        }
        if (!declared && onBackup > 0) {
          return violates(
            `no request to ${b1.name} while a primary is usable (saturation_counts_as_down not declared)`,
            `${b1.name} got ${onBackup} request(s) while the primaries were only busy`,
          )
        }
        return conforms(`${b1.name} got ${onBackup}`)
      } finally {
        await closeAll(pending)
        await Promise.all(backends.all.map((b) => b.kill()))
      }
    },
  }),
]
