/**
 * One backend of the balancer and the state its checks keep: requests in
 * flight, the passive count of failures (max_fails within fail_timeout, then
 * out for fail_timeout, then probe requests) and the active state (up or
 * down, with runs of passed and failed checks).
 */
import { authorityOf } from '../../net/loopback.js'
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'

/** A backend as configured: a loopback address, its place and its declared weight. */
export interface BackendConfig {
  readonly address: string
  readonly port: number
  /** Declared weight (primaries only; the profile's `weights` wins when it has one). */
  readonly weight?: number
}

/** A backend and its live state. */
export interface Backend {
  /** Position among the primaries, or among the backups. */
  readonly index: number
  readonly backup: boolean
  readonly address: string
  readonly port: number
  /** host:port, also the upstream pool's key. */
  readonly key: string
  /** The declared weight (profile `weights`, else the primary's own, else 1). */
  readonly declaredWeight: number
  /** Client requests in flight on it now. */
  inFlight: number
  /** Client requests ever sent to it. */
  requests: number
  /** Smooth weighted round robin's running weight (nginx's current_weight). */
  current: number
  /** Active checks: usable as far as they go. */
  up: boolean
  /** No active check has answered yet. */
  unchecked: boolean
  passedRun: number
  failedRun: number
  /** Active checks run on it so far. */
  checks: number
  /** Passive checks: failures counted in the window that began at failedSince. */
  fails: number
  failedSince: number
  /** Out of rotation until this time (clock ms); then probes only until one succeeds. */
  outUntil: number
  /** Probe requests in flight while it is on probation. */
  probing: number
  /**
   * When it was last readmitted after being out (active checks passed rise
   * times, or a passive probe succeeded), clock ms; undefined while it has
   * never been out. Slow start ramps its weight from here (LB-24).
   */
  readmittedAt: number | undefined
}

export function newBackend(
  config: BackendConfig,
  index: number,
  backup: boolean,
  profile: BalancerProfile,
  up: boolean,
): Backend {
  const declared = backup ? 1 : (profile.weights?.[index] ?? config.weight ?? 1)
  return {
    index,
    backup,
    address: config.address,
    port: config.port,
    key: authorityOf(config.address, config.port),
    declaredWeight: declared,
    inFlight: 0,
    requests: 0,
    current: 0,
    up,
    unchecked: true,
    passedRun: 0,
    failedRun: 0,
    checks: 0,
    fails: 0,
    failedSince: 0,
    outUntil: 0,
    probing: 0,
    readmittedAt: undefined,
  }
}

/** Whether passive checks took it out (max_fails reached) and it has not proved healthy since. */
export function passivelyFailed(backend: Backend, profile: BalancerProfile): boolean {
  const passive = profile.passive
  return passive !== undefined && backend.fails >= passive.max_fails
}

/**
 * Whether a new request may go to `backend` now: active checks say up, and
 * passive checks have not taken it out; after fail_timeout a backend taken
 * out gets probe requests, `probe_requests` at a time (default 1), until one
 * succeeds (nginx's quiet period; LB-08).
 */
export function usable(backend: Backend, profile: BalancerProfile, now: number): boolean {
  if (!backend.up) return false
  if (!passivelyFailed(backend, profile)) return true
  if (now < backend.outUntil) return false
  return backend.probing < (profile.passive?.probe_requests ?? 1)
}

/** A failed request (connect failure, reset, timeout, a cut response) counted by passive checks. */
export function noteFailure(backend: Backend, profile: BalancerProfile, now: number): void {
  const passive = profile.passive
  if (passive === undefined) return
  const window = passive.fail_timeout_s * 1000
  if (passivelyFailed(backend, profile)) {
    // A probe failed: out again for a whole fail_timeout.
    backend.outUntil = now + window
    return
  }
  if (backend.fails === 0 || now - backend.failedSince > window) {
    backend.fails = 0
    backend.failedSince = now
  }
  backend.fails += 1
  if (backend.fails >= passive.max_fails) backend.outUntil = now + window
}

/** A request the backend answered: passive checks forget its failures. */
export function noteSuccess(backend: Backend): void {
  backend.fails = 0
  backend.outUntil = 0
}

/**
 * One active check's verdict applied: a never-checked backend takes its first
 * check's verdict at once (optimistic: out on the first failure; pessimistic:
 * in on the first success, LB-11); after that `fall` failures in a row take it
 * out and `rise` successes in a row bring it back (LB-09, LB-10).
 */
export function noteCheck(
  backend: Backend,
  active: NonNullable<BalancerProfile['active']>,
  passed: boolean,
): void {
  backend.checks += 1
  const first = backend.unchecked
  backend.unchecked = false
  if (passed) {
    backend.passedRun += 1
    backend.failedRun = 0
    if (!backend.up && (first || backend.passedRun >= active.rise)) backend.up = true
  } else {
    backend.failedRun += 1
    backend.passedRun = 0
    if (backend.up && (first || backend.failedRun >= active.fall)) backend.up = false
  }
}
