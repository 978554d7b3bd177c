/**
 * A backend leaving service (LB-07, LB-27): it drains (`Connection: close`),
 * its keep-alive timeout runs out under a request, or its checks take it out
 * while it is still streaming a response.
 */
import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import type { Backend, StartedBackends } from '../../harness/backends/types.js'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import type { RawClient } from '../../harness/client/types.js'
import { isTimeout } from '../../harness/net/deadline.js'
import {
  FAILOVER_TIMEOUT_MS,
  REFERENCE_ACTIVE,
  Traffic,
  checksReached,
  checksSince,
  gapMs,
  ms,
  needsActive,
  removalBoundMs,
} from './failover.js'
import { backendsOf, deliveries, describeDeliveries, requestId } from './lb.js'

/** The order of the LB-07 requests: three GETs to a POST (the row's 500 : 100, scaled). */
const LB07_METHODS = ['GET', 'GET', 'POST', 'GET', 'GET', 'POST', 'GET', 'GET'] as const
/** Rounds of LB07_METHODS: 12 GETs and 4 POSTs; the POSTs at odd and even places, so under round robin each of two backends gets both methods. */
const LB07_ROUNDS = 2

/** How long a draining O2 keeps a connection open after the response that said close. */
const DRAIN_LINGER_MS = 300

/** What the reference runs LB-07 with: no retries after a backend failure, only the stale-connection one. */
const LB07_PROFILE: BalancerProfile = {
  policy: 'round-robin',
  retries: { idempotent: 0, on_stale_keepalive: true },
}

/** One LB-07 request and what the client got (after its own §12.2.1 retry, for a GET). */
interface Exchange {
  readonly id: string
  readonly method: 'GET' | 'POST'
  readonly status?: number
  /** No response (closed, timeout, malformed), after the client's own retry if it made one. */
  readonly error?: string
  /** C retried it on a new client connection (a reused one closed with no response). */
  readonly clientRetried: boolean
}

/** A client-visible error (§12.2.1): a 5xx, or no response. */
function visibleError(e: Exchange): boolean {
  return e.error !== undefined || (e.status ?? 0) >= 500
}

/**
 * Sequential requests on one keep-alive client connection (a new one after a
 * close), with C's retry rule of §12.2.1: when a *reused* client connection
 * closes with no response, an idempotent request goes once more on a new one.
 */
class KeepAliveClient {
  readonly #ctx: CaseContext
  #client: RawClient | undefined
  #answered = 0

  constructor(ctx: CaseContext) {
    this.#ctx = ctx
  }

  /** Sends one request; `before` runs just before its bytes go out. */
  async send(id: string, method: 'GET' | 'POST', before: () => void): Promise<Exchange> {
    const first = await this.#once(id, method, before)
    if (first.kind === 'answer') return { id, method, status: first.status, clientRetried: false }
    if (method !== 'GET' || !first.reused)
      return { id, method, error: first.error, clientRetried: false }
    const again = await this.#once(id, method, () => undefined)
    return again.kind === 'answer'
      ? { id, method, status: again.status, clientRetried: true }
      : { id, method, error: again.error, clientRetried: true }
  }

  async #once(
    id: string,
    method: 'GET' | 'POST',
    before: () => void,
  ): Promise<
    | { readonly kind: 'answer'; readonly status: number }
    | { readonly kind: 'error'; readonly error: string; readonly reused: boolean }
  > {
    const ctx = this.#ctx
    const reused = this.#client !== undefined && this.#answered > 0
    if (this.#client === undefined) {
      this.#client = await ctx.connect()
      this.#answered = 0
    }
    const client = this.#client
    const body = method === 'POST' ? `post ${id}` : undefined
    before()
    await client.write(
      lbRequest(id, { method, host: ctx.originHost, ...(body === undefined ? {} : { body }) }),
    )
    const answer = await client.readResponse({
      requestMethod: method,
      timeoutMs: Math.max(0, Math.min(1500, ctx.remainingMs() - 200)),
    })
    if (answer.kind !== 'response') {
      await this.close()
      const error = answer.kind === 'closed' ? `closed (${answer.how})` : answer.kind
      return { kind: 'error', error, reused }
    }
    this.#answered += 1
    const connection = answer.message.head.headers
      .filter((h) => h.name.toLowerCase() === 'connection')
      .map((h) => h.value)
      .join(',')
    if (/\bclose\b/i.test(connection)) await this.close()
    return { kind: 'answer', status: answer.message.head.status }
  }

  async close(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    await client?.close()
  }
}

/** Sends the LB-07 requests; `before(backends)` runs just before each request goes out. */
async function lb07Traffic(
  ctx: CaseContext,
  prefix: string,
  before: (backends: StartedBackends) => void,
): Promise<Exchange[]> {
  const backends = backendsOf(ctx)
  const client = new KeepAliveClient(ctx)
  const exchanges: Exchange[] = []
  try {
    let n = 0
    for (let round = 0; round < LB07_ROUNDS; round += 1) {
      for (const method of LB07_METHODS) {
        n += 1
        const id = requestId(ctx, `${prefix}${n}${method === 'POST' ? 'p' : 'g'}`)
        exchanges.push(await client.send(id, method, () => before(backends)))
      }
    }
  } finally {
    await client.close()
  }
  return exchanges
}

/** POST ids some backend read more than once (RFC 9112 §9.3.1: a proxy never retries them on its own). */
function postsTwice(backends: StartedBackends, exchanges: readonly Exchange[]): string[] {
  return exchanges
    .filter((e) => e.method === 'POST')
    .map((e) => ({ id: e.id, seen: deliveries(backends, e.id) }))
    .filter(({ seen }) => seen.length > 1)
    .map(
      ({ id, seen }) =>
        `POST ${id} reached the backends ${seen.length} times: ${describeDeliveries(seen)}`,
    )
}

/**
 * The contract part of LB-07: no client-visible error for a GET. A FAIL when
 * the profile declares `retries.on_stale_keepalive: true`, a warning per
 * error otherwise (catalog LB-07).
 */
function getErrors(ctx: CaseContext, exchanges: readonly Exchange[]): Outcome | undefined {
  const errors = exchanges.filter((e) => e.method === 'GET' && visibleError(e))
  if (errors.length === 0) return undefined
  const list = errors
    .map(
      (e) =>
        `${e.id}: ${e.error ?? `answered ${e.status}`}${e.clientRetried ? ' (after the client retry)' : ''}`,
    )
    .join('; ')
  const declared = ctx.profile?.retries?.on_stale_keepalive === true
  return violates(
    declared
      ? 'no client-visible error for an idempotent GET (retries.on_stale_keepalive declared)'
      : 'no client-visible error for an idempotent GET (the profile does not declare retries.on_stale_keepalive: a warning per error)',
    `${errors.length} GET error(s): ${list}`,
    declared ? 'CONTRACT' : 'SHOULD',
  )
}

/** "12 GETs (0 errors, 1 retried by the client), 4 POSTs (2 errors)" */
function tally(exchanges: readonly Exchange[]): string {
  const of = (method: 'GET' | 'POST'): string => {
    const all = exchanges.filter((e) => e.method === method)
    const errors = all.filter(visibleError).length
    const retried = all.filter((e) => e.clientRetried).length
    return `${all.length} ${method}s (${errors} client-visible error(s)${retried > 0 ? `, ${retried} retried by the client` : ''})`
  }
  return `${of('GET')}, ${of('POST')}`
}

/** A response to the big GET: its body, if the client got one. */
interface BigAnswer {
  readonly status?: number
  readonly complete: boolean
  readonly bodyLength: number
  readonly id?: string
  readonly how: string
}

/** The big body's size: the row's 20 MiB, scaled. */
const BIG_BYTES = 2 * 1024 * 1024

/** The first backend (of `all`) that read request `id`, within `withinMs`. */
async function receiver(
  ctx: CaseContext,
  all: readonly Backend[],
  id: string,
  withinMs: number,
): Promise<Backend | undefined> {
  const got = await ctx.wait(
    `request ${id} at a backend`,
    Promise.race(
      all.map(async (backend) => {
        const request = await backend.waitForRequest(id, withinMs)
        return isTimeout(request) ? new Promise<never>(() => undefined) : backend
      }),
    ),
    withinMs,
  )
  return isTimeout(got) ? undefined : got
}

export const drainCases = [
  defineCase({
    id: 'drain-no-request-after-close',
    title:
      'A backend that drains (every response says Connection: close) gets no request on a connection after the response that said close',
    requirements: ['LB-07'],
    spec: [
      { rfc: 9112, section: '9.6' },
      { rfc: 9112, section: '9.3.1' },
      { rfc: 9110, section: '9.2.2' },
    ],
    // RFC 9112 §9.6: "A client that receives a "close" connection option MUST cease sending
    // requests on that connection and close the connection after reading the response
    // message containing the "close" connection option" — the balancer is the backend's
    // client. RFC 9112 §9.3.1: "A proxy MUST NOT automatically retry non-idempotent
    // requests" (no POST id twice). Contract part (catalog LB-07): no client-visible error
    // for the GETs; a warning per error when retries.on_stale_keepalive is not declared.
    // INFO: POST errors. Sizes: the row's 500 GETs and 100 POSTs spaced 1 s apart aim at a
    // keep-alive timeout; a drain needs no timing, every response of O2 says close, so 12
    // GETs and 4 POSTs on one client connection (each backend gets both methods under round
    // robin) show it, in well under a second. O2 keeps the connection open 300 ms after
    // saying close (RFC 9112 §9.6 lets the server's close follow its response), so a
    // balancer that pools the connection anyway writes into that window and is seen.
    requirement:
      'The balancer writes no request on a backend connection after a response that carried Connection: close, and never sends a POST twice; GETs see no errors',
    level: 'MUST',
    roles: ['balancer'],
    balancer: { primaries: 2, profile: LB07_PROFILE },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const o2 = backends.primaries[1]!
      o2.drain(DRAIN_LINGER_MS)
      const exchanges = await lb07Traffic(ctx, 'd', () => undefined)
      const after = backends.all.flatMap((b) =>
        b.requests
          .filter((r) => r.afterClose)
          .map((r) => `${r.method} ${r.id ?? '?'} on ${r.conn} (request ${r.connSeq} on it)`),
      )
      const o2Conns = o2.connections.length
      ctx.note(
        `${tally(exchanges)}; ${o2.name} answered ${o2.requests.filter((r) => r.outcome === 'answered').length} request(s), each with Connection: close, on ${o2Conns} connection(s)`,
      )
      const twice = postsTwice(backends, exchanges)
      if (after.length > 0 || twice.length > 0) {
        return violates(
          'no request on a connection after the response that said close (RFC 9112 §9.6), no POST delivered twice (RFC 9112 §9.3.1)',
          [
            ...(after.length > 0
              ? [`after the response that said close: ${after.join(', ')}`]
              : []),
            ...twice,
          ].join('; '),
        )
      }
      if (o2.requests.length === 0)
        return observed(`${o2.name} got no client request: the drain was never exercised`)
      return getErrors(ctx, exchanges) ?? conforms(tally(exchanges))
    },
  }),
  defineCase({
    id: 'stale-keepalive-retried-not-post',
    title:
      'A GET that meets a keep-alive connection the backend just closed is retried without a client error; a POST never goes twice',
    requirements: ['LB-07'],
    spec: [
      { rfc: 9112, section: '9.3.1' },
      { rfc: 9110, section: '9.2.2' },
      { rfc: 9112, section: '9.5' },
    ],
    // RFC 9112 §9.5: either side may close an idle connection at any time, so a request
    // can cross the backend's close (the stale keep-alive race). RFC 9112 §9.3.1: a client
    // MAY retry an idempotent request on a new connection then, and "A proxy MUST NOT
    // automatically retry non-idempotent requests" (RFC 9110 §9.2.2): no POST id twice
    // (MUST). Contract part (catalog LB-07): no client-visible error for the GETs, C applying
    // the §12.2.1 retry rule; a warning per error when retries.on_stale_keepalive is not
    // declared. INFO: POST errors. A request arriving after the idle close is NOT graded
    // here: no `close` was said, and the race is inherent. Sizes: the row spaces 600
    // requests 1 s ± 10 ms apart so that a few cross a 1 s keep-alive timeout, a race whose
    // window on loopback is microseconds; here O2's keep-alive timeout is made to run out
    // while each request is on its way (expireIdle before the write: the idle connection
    // closes, FIN first, when the request's bytes arrive, and the request stays
    // unanswered), so every request the balancer puts on an idle O2 connection meets the
    // race, which is what the balancer sees in the real one (bytes written on a reused
    // connection, then a close and no response). 12 GETs and 4 POSTs take under 0.3 s.
    requirement:
      'An idempotent request that loses the keep-alive close race reaches the client without error; a POST caught in it is never sent again',
    level: 'MUST',
    roles: ['balancer'],
    balancer: { primaries: 2, profile: LB07_PROFILE },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const o2 = backends.primaries[1]!
      const exchanges = await lb07Traffic(ctx, 's', () => o2.expireIdle())
      // The race happened when a request reached O2 on a connection O2 had closed.
      const races = o2.requests.filter((r) => r.afterClose)
      const raced = races.map((r) => `${r.method} ${r.id ?? '?'} on ${r.conn}`)
      const postErrors = exchanges.filter((e) => e.method === 'POST' && visibleError(e)).length
      ctx.note(
        `${tally(exchanges)}; ${races.length} request(s) met O2's close (${raced.join(', ') || 'none'}); INFO: ${postErrors} POST error(s)`,
      )
      const twice = postsTwice(backends, exchanges)
      if (twice.length > 0) {
        return violates(
          'no POST delivered twice (RFC 9112 §9.3.1: a proxy does not retry a non-idempotent request on its own)',
          twice.join('; '),
        )
      }
      const errors = getErrors(ctx, exchanges)
      if (errors !== undefined) return errors
      if (races.length === 0) {
        return conforms(
          `${tally(exchanges)}; no request met O2's close: the balancer closed or checked its idle connections first`,
        )
      }
      return conforms(`${tally(exchanges)}; ${races.length} request(s) met O2's close`)
    },
  }),
  defineCase({
    id: 'marked-down-finishes-in-flight',
    title:
      'A backend taken out of rotation by its checks finishes the response it is streaming (or cuts it visibly, when shutdown-sessions is declared)',
    requirements: ['LB-27'],
    // A contract row cites no RFC sentence; the nearest sections, for the reader.
    spec: [
      { rfc: 9112, section: '8' },
      { rfc: 9110, section: '15.6.4' },
    ],
    // LB-27 (contract row, catalog §12.4; declared `on_marked_down`, default
    // finish-in-flight): removal stops new requests to the backend but lets a response in
    // progress finish; with `shutdown-sessions` the client sees a visibly incomplete message
    // (LB-03, RFC 9112 §8). Sizes: the row's 20 MiB at 2 MiB/s is scaled to 2 MiB spread
    // over the removal bound + 0.4 s (1.3 s on the reference), so the backend is still
    // streaming when its checks take it out; the small GETs run until the removal bound.
    requirement:
      'Taking a backend out of rotation stops new requests to it and lets its in-flight response finish whole (declared on_marked_down, default finish-in-flight)',
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
      if (active === undefined) throw new Error('[proxyspec] LB-27 ran without active checks')
      const declared = ctx.profile?.on_marked_down ?? 'finish-in-flight'
      const bound = removalBoundMs(active)
      const n = active.fall + active.rise
      if (
        !(await checksReached(
          ctx,
          backends.all,
          n,
          (n + 1) * active.interval_ms + active.timeout_ms + 1000,
        ))
      )
        return timedOut(`${n} health checks at every backend (warm)`, ctx.remainingMs())
      const streamMs = bound + 400
      const rate = Math.ceil(BIG_BYTES / (streamMs / 1000))
      for (const backend of backends.all) backend.stream(BIG_BYTES, rate)
      const id = requestId(ctx, 'big')
      const big = await ctx.connect()
      await big.write(lbRequest(id, { path: '/big', host: ctx.originHost }))
      const x = await receiver(ctx, backends.all, id, Math.min(2000, ctx.remainingMs()))
      // The small GETs after it are answered at once again (heal: health is still 200).
      for (const backend of backends.all) await backend.heal()
      if (x === undefined) {
        await big.close()
        return timedOut(`the big GET ${id} at a backend`, 2000)
      }
      x.health(503)
      const traffic = new Traffic(ctx, 'r')
      const t0 = traffic.fault(x.name, `streaming ${id}; health check answers 503`)
      const reading = big.readResponse({
        timeoutMs: Math.max(0, Math.min(streamMs + bound + 3000, ctx.remainingMs() - 300)),
      })
      const settled = await traffic.until(
        () =>
          performance.now() >= t0 + bound &&
          traffic.since(t0 + bound).length >= 2 * backends.all.length,
        bound + 2000,
        gapMs(ctx.profile!),
      )
      const answer = await reading
      await big.close()
      await traffic.close()
      traffic.timeline(`${x.name} streams ${id}; its health checks fail at t0`)
      const got: BigAnswer =
        answer.kind === 'response'
          ? {
              status: answer.message.head.status,
              complete: answer.message.complete,
              bodyLength: answer.message.body.length,
              ...(parseLbResponse(answer.message).bodyId === undefined
                ? {}
                : { id: parseLbResponse(answer.message).bodyId! }),
              how: 'a response',
            }
          : {
              complete: false,
              bodyLength: Math.max(0, answer.partial.length),
              how: answer.kind === 'closed' ? `closed (${answer.how})` : answer.kind,
            }
      const record = x.requests.find((r) => r.id === id)
      const streamEnd = record?.completedAt ?? performance.now()
      const failedBefore = checksSince(x, t0, 503).filter((c) => c.arrivedAt < streamEnd).length
      // The harness's own lag is not the target's (net/loop-lag.ts).
      const lag = ctx.lagSince(t0)
      const late = x.requests.filter((r) => r.id !== id && r.arrivedAt > t0 + bound + lag)
      ctx.note(
        `${id} went to ${x.name}: ${BIG_BYTES} bytes at ${rate} B/s; the client got ${got.how}` +
          `${got.status === undefined ? '' : ` ${got.status}`}, ${got.bodyLength} body bytes, ${got.complete ? 'complete' : 'incomplete'}; ` +
          `${x.name} answered it: ${record?.outcome ?? 'not yet'} at t0+${ms(streamEnd - t0)}; ` +
          `${failedBefore} failed check(s) before then (fall ${active.fall}); removal bound ${ms(bound)}; ` +
          `${x.name} got ${late.length} client request(s) after it; declared on_marked_down: ${declared}`,
      )
      if (!settled)
        return timedOut(`client traffic until ${ms(bound)} after t0`, performance.now() - t0)
      if (late.length > 0) {
        return violates(
          `no new client request to ${x.name} later than the removal bound (${ms(bound)}) after its checks began to fail`,
          `${late.length} request(s), the last at t0+${ms(late.at(-1)!.arrivedAt - t0)}`,
        )
      }
      const whole =
        got.complete && got.status === 200 && got.bodyLength === BIG_BYTES && got.id === id
      if (declared === 'shutdown-sessions') {
        if (!got.complete) return conforms(`cut visibly after ${got.bodyLength} body bytes`)
        if (failedBefore < active.fall)
          return observed(`the stream ended before ${x.name} could be taken out: nothing to cut`)
        return violates(
          'a visibly incomplete response once the backend is taken out (shutdown-sessions declared)',
          `a complete ${got.status ?? '?'} of ${got.bodyLength} bytes`,
        )
      }
      if (!whole) {
        return violates(
          `the whole response: 200, ${BIG_BYTES} body bytes, correctly framed, naming ${id} (finish-in-flight)`,
          `${got.how}${got.status === undefined ? '' : ` ${got.status}`}, ${got.bodyLength} body bytes, ${got.complete ? 'complete' : 'incomplete'}${got.id !== undefined && got.id !== id ? `, naming ${got.id}` : ''}`,
        )
      }
      if (failedBefore < active.fall) {
        return observed(
          `the stream ended whole after ${failedBefore} failed check(s) (fall ${active.fall}): ${x.name} may not have been out of rotation while it streamed`,
        )
      }
      return conforms(
        `${BIG_BYTES} bytes whole; ${x.name} was out of rotation while it streamed them`,
      )
    },
  }),
]
