/**
 * The balance stage of the reference proxy's pipeline (listed with the other
 * stages in harness/reference/proxy/steps/): choosing the backend, what
 * counts against it, whether a failed request may go to another one, and the
 * active checks' shape and verdict. Each is named for the decision it takes.
 */
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'
import type { Backend } from './backend.js'
import type { Balancer, Choice, UpstreamOutcome } from './balancer.js'
import { healthCheckPassed, healthCheckRequest, type CheckOutcome } from './health-check.js'
import type { BalanceRequest } from './policy.js'
import {
  forwardedCookie,
  stickyBackend,
  stickyCookieFor,
  withStickyCookie,
  type StickyChoice,
} from './sticky.js'
import type { HeaderField } from '../../wire/types.js'

/** What a failed attempt leaves for the retry decision. */
export interface RetryAttempt {
  readonly method: string
  /** Some bytes of the request reached the backend (anything after the connect). */
  readonly written: boolean
  /** Some bytes of a response already went to the client. */
  readonly responseStarted: boolean
  /** The whole request so far is kept, so it can be sent again byte for byte. */
  readonly replayable: boolean
  /** Retries of this request already made after bytes were written. */
  readonly retries: number
  readonly profile: BalancerProfile
}

/** Methods a proxy may repeat on its own (RFC 9110 §9.2.2): the safe ones, PUT and DELETE. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])

/**
 * Whether a failed attempt goes on to another backend. Nothing is ever sent
 * again once a response has started toward the client: the cut stays visible
 * (RFC 9112 §8, LB-03). A connect failure, with nothing written, is backend
 * selection and may move on (LB-01). After bytes were written only an
 * idempotent request is repeated (RFC 9110 §9.2.2, LB-01), only when it can be
 * replayed whole (LB-04), and at most `retries.idempotent` times (default 1,
 * LB-14).
 */
export function mayRetryElsewhere(attempt: RetryAttempt): boolean {
  if (attempt.responseStarted) return false
  if (!attempt.written) return true
  if (!IDEMPOTENT.has(attempt.method)) return false
  if (!attempt.replayable) return false
  return attempt.retries < (attempt.profile.retries?.idempotent ?? 1)
}

/** A request that failed on an upstream connection, for the stale keep-alive decision. */
export interface StaleAttempt {
  readonly method: string
  /** The connection came out of the pool (it may have gone stale while idle). */
  readonly reused: boolean
  /** How it failed: the backend's FIN or RST before a response, a timeout, bad bytes. */
  readonly why: 'eof' | 'reset' | 'invalid' | 'timeout'
  /** Some response bytes arrived. */
  readonly bytesSeen: boolean
  /** The whole request so far is kept, so it can be sent again byte for byte. */
  readonly replayable: boolean
  /** Tries on a fresh connection this request already had. */
  readonly freshTries: number
  readonly profile: BalancerProfile
}

/**
 * Whether a request that lost the stale keep-alive race (a reused connection
 * the backend closed, FIN or RST, before any response byte) goes once more to
 * the same backend on a fresh connection: an idempotent one only (RFC 9112
 * §9.3.1, RFC 9110 §9.2.2; a POST is never sent again, LB-01), kept whole,
 * once, unless the profile declares `retries.on_stale_keepalive: false`. It is
 * not counted against `retries.idempotent` (LB-07); passive checks still
 * count the failed attempt, as nginx does (ngx_http_upstream_next).
 */
export function retryOnFreshConnection(attempt: StaleAttempt): boolean {
  if (!attempt.reused || attempt.bytesSeen) return false
  if (attempt.why !== 'eof' && attempt.why !== 'reset') return false
  if (!IDEMPOTENT.has(attempt.method) || !attempt.replayable) return false
  if (attempt.profile.retries?.on_stale_keepalive === false) return false
  return attempt.freshTries === 0
}

/**
 * What happens to the requests in flight on a backend when its checks take
 * it out of rotation: the declared `on_marked_down`, by default they finish
 * (LB-27); `shutdown-sessions` cuts them, visibly incomplete (LB-03).
 */
export function onMarkedDown(profile: BalancerProfile): 'finish-in-flight' | 'shutdown-sessions' {
  return profile.on_marked_down ?? 'finish-in-flight'
}

/**
 * Whether an upstream connection the proxy gave up on (a timeout, an error,
 * a cut) may go back to the pool: never, its late bytes would answer the
 * next request (RFC 9112 §9.3, LB-05).
 */
export function mayPoolAbandoned(): boolean {
  return false
}

/**
 * Which backends a request may go to: the usable primaries; only when none is
 * usable, the usable backups, the first of them or all per `backup.mode`
 * (LB-13).
 */
export function candidateBackends(
  primaries: readonly Backend[],
  backups: readonly Backend[],
  profile: BalancerProfile,
): readonly Backend[] {
  if (primaries.length > 0) return primaries
  return profile.backup?.mode === 'all' ? backups : backups.slice(0, 1)
}

/** A backend's weight: the declared one; 0 means never used (LB-16). */
export function backendWeight(backend: Backend): number {
  return backend.declaredWeight
}

/**
 * Whether `backend` may take one more request now: fewer than the declared
 * `max_conns_per_backend` in flight (each request in flight holds one
 * upstream connection: none is shared). Always, when no limit is declared
 * (LB-23).
 */
export function backendHasRoom(backend: Backend, profile: BalancerProfile): boolean {
  const max = profile.max_conns_per_backend
  return max === undefined || backend.inFlight < max
}

/** How many requests may wait for a backend with room, and how long each may wait. */
export interface QueueLimits {
  readonly size: number
  readonly timeoutMs: number
}

/**
 * The declared queue for requests that find every backend at its limit
 * (`queue: { size, timeout_ms }`); none declared: size 0, so an excess
 * request is answered 503 at once, no backend touched (RFC 9110 §15.6.4,
 * LB-23).
 */
export function queueLimits(profile: BalancerProfile): QueueLimits {
  return { size: profile.queue?.size ?? 0, timeoutMs: profile.queue?.timeout_ms ?? 0 }
}

/** The share of its weight a backend readmitted at the start of slow start gets. */
export const SLOW_START_FLOOR = 0.05

/**
 * The factor slow start applies to a backend's weight at `now` (clock ms): it
 * grows linearly from SLOW_START_FLOOR to 1 over `slow_start_s` after the
 * backend was readmitted; 1 when no slow start is declared, and for a backend
 * that was never out (not at process start, as HAProxy's `slowstart`) (LB-24).
 */
export function slowStartFactor(backend: Backend, profile: BalancerProfile, now: number): number {
  const seconds = profile.slow_start_s
  const since = backend.readmittedAt
  if (seconds === undefined || seconds <= 0 || since === undefined) return 1
  return Math.min(1, Math.max(SLOW_START_FLOOR, (now - since) / (seconds * 1000)))
}

/** A backend's load for least-conn and random-two: its requests in flight now (LB-18). */
export function backendLoad(backend: Backend): number {
  return backend.inFlight
}

/** A backend's state before its first active check: the declared `initial_state`, default up (LB-11). */
export function initialHealth(profile: BalancerProfile): 'up' | 'down' {
  return profile.active?.initial_state ?? 'up'
}

/** Chooses the backend of a request, or why there is none (the balancer's policy, LB-13 to LB-19, LB-26). */
export function chooseUpstream(
  balancer: Balancer,
  request: BalanceRequest,
  tried: ReadonlySet<Backend>,
): Choice {
  return balancer.choose(request, tried)
}

/**
 * Counts an attempt's outcome for passive checks: a failure toward
 * max_fails, a response as proof of health (LB-08).
 */
export function noteUpstreamResult(
  balancer: Balancer,
  backend: Backend,
  outcome: UpstreamOutcome,
): void {
  balancer.note(backend, outcome)
}

export interface BalanceSteps {
  /** Chooses a request's backend, or 503 when none is usable (catalog §12.2.3 policy; LB-06, LB-26). */
  chooseUpstream(balancer: Balancer, request: BalanceRequest, tried: ReadonlySet<Backend>): Choice
  /** The backends a request may go to: usable primaries, else backups per mode (LB-13). */
  candidateBackends(
    primaries: readonly Backend[],
    backups: readonly Backend[],
    profile: BalancerProfile,
  ): readonly Backend[]
  /** A backend's weight: the declared one, 0 never used (LB-16). */
  backendWeight(backend: Backend, profile: BalancerProfile): number
  /** A backend's load for least-conn: requests in flight (LB-18). */
  backendLoad(backend: Backend): number
  /** Whether a backend may take one more request: below max_conns_per_backend (LB-23). */
  backendHasRoom(backend: Backend, profile: BalancerProfile): boolean
  /** The declared queue's size and timeout for requests that find every backend full (LB-23). */
  queueLimits(profile: BalancerProfile): QueueLimits
  /** Slow start's factor on a readmitted backend's weight at `now` (LB-24). */
  slowStartFactor(backend: Backend, profile: BalancerProfile, now: number): number
  /** Counts an attempt's outcome for passive checks (LB-08). */
  noteUpstreamResult(balancer: Balancer, backend: Backend, outcome: UpstreamOutcome): void
  /** Whether a failed attempt goes to another backend (RFC 9110 §9.2.2; LB-01, LB-03, LB-04, LB-14). */
  mayRetryElsewhere(attempt: RetryAttempt): boolean
  /** Whether a request that met a stale keep-alive connection goes again on a fresh one: idempotent, once (RFC 9112 §9.3.1; LB-07). */
  retryOnFreshConnection(attempt: StaleAttempt): boolean
  /** What happens to in-flight requests of a backend taken out of rotation: the declared on_marked_down, default finish (LB-27). */
  onMarkedDown(profile: BalancerProfile): 'finish-in-flight' | 'shutdown-sessions'
  /** Whether an abandoned upstream connection may be pooled: never (RFC 9112 §9.3, LB-05). */
  mayPoolAbandoned(why: 'eof' | 'reset' | 'invalid' | 'timeout'): boolean
  /** A backend's state before its first check: the declared initial_state (LB-11). */
  initialHealth(profile: BalancerProfile): 'up' | 'down'
  /** The bytes of an active check, Host included (RFC 9112 §3.2, LB-12). */
  healthCheckRequest(profile: BalancerProfile, backend: Backend): string
  /** Whether a check passed: 2xx/3xx in time (LB-09, LB-10). */
  healthCheckPassed(outcome: CheckOutcome): boolean
  /**
   * The candidate a request's persistence cookie pins it to; 'refuse' under
   * nofailover when it names none; undefined leaves it to the policy (LB-21, LB-22).
   */
  stickyBackend(
    profile: BalancerProfile,
    request: BalanceRequest,
    candidates: readonly Backend[],
  ): StickyChoice
  /** The balancer's own set-cookie-string for a response from `backend`, if the request lacks it (LB-21). */
  stickyCookieFor(
    profile: BalancerProfile,
    request: BalanceRequest,
    backend: Backend,
  ): string | undefined
  /** The response's fields with that Set-Cookie as a line of its own, the origin's untouched (RFC 9110 §5.3, LB-21). */
  withStickyCookie(fields: readonly HeaderField[], setCookie: string): readonly HeaderField[]
  /** The request's fields as forwarded: in indirect mode without the balancer's cookie (LB-21). */
  forwardedCookie(profile: BalancerProfile, fields: readonly HeaderField[]): readonly HeaderField[]
}

export const balanceSteps: BalanceSteps = {
  chooseUpstream,
  candidateBackends,
  backendWeight,
  backendLoad,
  backendHasRoom,
  queueLimits,
  slowStartFactor,
  noteUpstreamResult,
  mayRetryElsewhere,
  retryOnFreshConnection,
  onMarkedDown,
  mayPoolAbandoned,
  initialHealth,
  healthCheckRequest,
  healthCheckPassed,
  stickyBackend,
  stickyCookieFor,
  withStickyCookie,
  forwardedCookie,
}
