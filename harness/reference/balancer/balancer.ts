/**
 * The balancer the reference proxy consults in reverse mode with N upstreams
 * and a declared profile (catalog §12): the backends and their state, the
 * policy, and the active checks' timers. Every decision it delegates to the
 * balance steps it was given (steps.ts), so a variant of the pipeline changes
 * it by name. It only ever connects to loopback addresses it was given.
 */
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'
import { ConnectionTracker } from '../../net/connection-tracker.js'
import type { TimeoutValue } from '../../net/deadline.js'
import { ChangeSignal } from '../../tcp/wait-until.js'
import {
  newBackend,
  noteCheck,
  noteFailure,
  noteSuccess,
  passivelyFailed,
  usable,
  type Backend,
  type BackendConfig,
} from './backend.js'
import { HashRing } from './hash.js'
import { runCheck } from './health-check.js'
import {
  hashKey,
  leastLoaded,
  moduloHash,
  randomTwo,
  ringHash,
  smoothWeighted,
  weightedDraw,
  type BalanceRequest,
  type PolicyInputs,
} from './policy.js'
import { seededRandom, type RandomSource } from './rng.js'
import type { BalanceSteps } from './steps.js'

/** A backend for the request, or the answer when there is none (fail-closed: a 503 at once). */
export type Choice =
  | { readonly kind: 'backend'; readonly backend: Backend; readonly probe: boolean }
  | { readonly kind: 'none'; readonly status: number; readonly text: string }

/** How an attempt on a backend ended, for passive checks. */
export type UpstreamOutcome = 'answered' | 'failed'

/** What the balancer is built from. */
export interface BalancerOptions {
  readonly primaries: readonly BackendConfig[]
  readonly backups?: readonly BackendConfig[]
  readonly profile: BalancerProfile
  readonly steps: BalanceSteps
  /** The random policies' source. @default seededRandom(1) */
  readonly random?: RandomSource
  /** The clock of passive checks, in ms. @default performance.now */
  readonly now?: () => number
}

export class Balancer {
  readonly profile: BalancerProfile
  readonly primaries: readonly Backend[]
  readonly backups: readonly Backend[]
  readonly #steps: BalanceSteps
  readonly #inputs: PolicyInputs
  readonly #now: () => number
  readonly #changes = new ChangeSignal()
  readonly #checks = new ConnectionTracker()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #rings = new Map<boolean, HashRing<Backend>>()
  readonly #downListeners = new Set<(backend: Backend) => void>()
  #closed = false

  constructor(options: BalancerOptions) {
    const { profile, steps } = options
    if (options.primaries.length === 0) throw new TypeError('a balancer needs a primary')
    const up = profile.active === undefined || steps.initialHealth(profile) === 'up'
    this.profile = profile
    this.primaries = options.primaries.map((c, i) => newBackend(c, i, false, profile, up))
    this.backups = (options.backups ?? []).map((c, i) => newBackend(c, i, true, profile, up))
    this.#steps = steps
    this.#now = options.now ?? (() => performance.now())
    this.#inputs = {
      weight: (b) => steps.backendWeight(b, profile),
      load: (b) => steps.backendLoad(b),
      random: options.random ?? seededRandom(1),
    }
  }

  /** Primaries, then backups. */
  get backends(): readonly Backend[] {
    return [...this.primaries, ...this.backups]
  }

  /** Starts the active checks, if the profile declares them: one at once, then every interval. */
  start(): void {
    const active = this.profile.active
    if (active === undefined) return
    for (const backend of this.backends) void this.#checkLoop(backend, active)
  }

  async #checkLoop(
    backend: Backend,
    active: NonNullable<BalancerProfile['active']>,
  ): Promise<void> {
    while (!this.#closed) {
      const request = this.#steps.healthCheckRequest(this.profile, backend)
      const outcome = await runCheck(backend, request, active.timeout_ms, this.#checks)
      if (this.#closed) return
      const wasUp = backend.up
      noteCheck(backend, active, this.#steps.healthCheckPassed(outcome))
      if (wasUp && !backend.up) for (const listener of [...this.#downListeners]) listener(backend)
      this.#changes.notify()
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer)
          resolve()
        }, active.interval_ms)
        this.#timers.add(timer)
      })
    }
  }

  /**
   * The backend for a request, among those not `tried` yet: a candidate
   * (steps.candidateBackends) picked by the policy. With none usable: every
   * primary when the profile fails open (and nothing was tried yet), else a
   * 503 at once, no backend touched (LB-06, LB-26).
   */
  choose(request: BalanceRequest, tried: ReadonlySet<Backend>): Choice {
    const { profile } = this
    const now = this.#now()
    const fit = (b: Backend): boolean => !tried.has(b) && this.#inputs.weight(b) > 0
    const ready = (b: Backend): boolean => fit(b) && usable(b, profile, now)
    let candidates = this.#steps.candidateBackends(
      this.primaries.filter(ready),
      this.backups.filter(ready),
      profile,
    )
    if (candidates.length === 0 && tried.size === 0 && profile.all_unhealthy === 'fail-open')
      candidates = this.primaries.filter(fit)
    if (candidates.length === 0) {
      return {
        kind: 'none',
        status: 503,
        text:
          tried.size === 0
            ? 'proxyspec: no backend is available'
            : 'proxyspec: no other backend is available',
      }
    }
    // A persistence cookie naming a candidate wins over the policy (LB-21); under nofailover one
    // naming none is refused (LB-22).
    const pinned = this.#steps.stickyBackend(profile, request, candidates)
    if (pinned === 'refuse')
      return {
        kind: 'none',
        status: 503,
        text: 'proxyspec: the backend this session is pinned to is not available',
      }
    const backend = pinned ?? this.#pick(candidates, request)
    const probe = passivelyFailed(backend, profile)
    if (probe) backend.probing += 1
    backend.inFlight += 1
    backend.requests += 1
    this.#changes.notify()
    return { kind: 'backend', backend, probe }
  }

  /** The attempt on a chosen backend is over (its answer relayed, or it failed). */
  finished(choice: Extract<Choice, { kind: 'backend' }>): void {
    choice.backend.inFlight -= 1
    if (choice.probe) choice.backend.probing -= 1
    this.#changes.notify()
  }

  /** Passive checks: an attempt's outcome on `backend`. */
  note(backend: Backend, outcome: UpstreamOutcome): void {
    if (outcome === 'answered') noteSuccess(backend)
    else noteFailure(backend, this.profile, this.#now())
    this.#changes.notify()
  }

  /** Whether `backend` would be chosen from now (checks and passive state, not the policy). */
  usable(backend: Backend): boolean {
    return usable(backend, this.profile, this.#now())
  }

  /**
   * Calls `fn` when the active checks take `backend` out of rotation; the
   * returned function stops listening.
   */
  whenMarkedDown(backend: Backend, fn: () => void): () => void {
    const listener = (down: Backend): void => {
      if (down === backend) fn()
    }
    this.#downListeners.add(listener)
    return () => this.#downListeners.delete(listener)
  }

  /** Waits, with a deadline, until `check` returns a value after some change of state. */
  waitFor<T>(
    what: string,
    check: () => T | undefined,
    timeoutMs = 2000,
  ): Promise<T | TimeoutValue> {
    return this.#changes.until(what, check, timeoutMs)
  }

  /** Stops every timer and check connection. */
  close(): void {
    this.#closed = true
    this.#downListeners.clear()
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    this.#checks.destroyAll()
    this.#changes.notify()
  }

  #pick(candidates: readonly Backend[], request: BalanceRequest): Backend {
    const inputs = this.#inputs
    switch (this.profile.policy) {
      case 'round-robin':
      case 'weighted':
        return smoothWeighted(candidates, inputs)
      case 'least-conn':
        return leastLoaded(candidates, inputs)
      case 'random':
        return weightedDraw(candidates, inputs)
      case 'random-two':
        return randomTwo(candidates, inputs)
      case 'first':
        return candidates[0]!
      case 'hash': {
        const key = hashKey(this.profile.hash?.key ?? 'uri', request)
        if (key === '') return smoothWeighted(candidates, inputs)
        const backup = candidates[0]?.backup === true
        const group = (backup ? this.backups : this.primaries).filter((b) => inputs.weight(b) > 0)
        if (this.profile.hash?.consistent !== true)
          return moduloHash(group, candidates, key, inputs)
        let ring = this.#rings.get(backup)
        if (ring === undefined) {
          ring = new HashRing(
            group.map((b) => ({ item: b, name: b.key, weight: inputs.weight(b) })),
          )
          this.#rings.set(backup, ring)
        }
        return ringHash(ring, candidates, key, inputs)
      }
    }
  }
}
