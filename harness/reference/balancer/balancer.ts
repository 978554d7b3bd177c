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

/**
 * A backend for the request, or the answer when there is none (fail-closed: a
 * 503 at once); `saturated` when backends are usable but every one is at its
 * declared connection limit (the request may wait in the queue, LB-23).
 */
export type Choice =
  | { readonly kind: 'backend'; readonly backend: Backend; readonly probe: boolean }
  | {
      readonly kind: 'none'
      readonly status: number
      readonly text: string
      readonly saturated?: boolean
    }

/** A request waiting in the queue for a backend with room (LB-23). */
interface Waiter {
  readonly request: BalanceRequest
  readonly tried: ReadonlySet<Backend>
  readonly resolve: (choice: Choice) => void
  timer: NodeJS.Timeout | undefined
}

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
  /** Requests waiting for a backend with room, first come first served (LB-23). */
  readonly #queue: Waiter[] = []
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
    // Slow start scales a readmitted backend's weight, except under hashing (a key's
    // backend does not drift while its weight ramps; HAProxy: not with map-based hash).
    const ramps = profile.policy !== 'hash'
    this.#inputs = {
      weight: (b) =>
        steps.backendWeight(b, profile) *
        (ramps ? steps.slowStartFactor(b, profile, this.#now()) : 1),
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
      const wasOut = !backend.up && !backend.unchecked
      noteCheck(backend, active, this.#steps.healthCheckPassed(outcome))
      if (wasUp && !backend.up) for (const listener of [...this.#downListeners]) listener(backend)
      if (wasOut && backend.up) backend.readmittedAt = this.#now()
      this.#changes.notify()
      this.#serveQueue()
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
   * 503 at once, no backend touched (LB-06, LB-26). A backend at its declared
   * connection limit is not chosen; when every candidate is, the answer is a
   * `saturated` 503 (the caller may queue it), and backups take the excess
   * only when `backup.saturation_counts_as_down` is declared (LB-23).
   */
  choose(request: BalanceRequest, tried: ReadonlySet<Backend>): Choice {
    const { profile } = this
    const now = this.#now()
    const fit = (b: Backend): boolean => !tried.has(b) && this.#inputs.weight(b) > 0
    const ready = (b: Backend): boolean => fit(b) && usable(b, profile, now)
    const room = (b: Backend): boolean => this.#steps.backendHasRoom(b, profile)
    let primaries = this.primaries.filter(ready)
    if (profile.backup?.saturation_counts_as_down === true) primaries = primaries.filter(room)
    let candidates = this.#steps.candidateBackends(primaries, this.backups.filter(ready), profile)
    if (candidates.length === 0 && tried.size === 0 && profile.all_unhealthy === 'fail-open')
      candidates = this.primaries.filter(fit)
    const open = candidates.filter(room)
    if (candidates.length > 0 && open.length === 0) {
      return {
        kind: 'none',
        status: 503,
        text: 'proxyspec: every backend is at its connection limit',
        saturated: true,
      }
    }
    candidates = open
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
    this.#serveQueue()
  }

  /**
   * For a request that found every backend at its limit (a `saturated`
   * choice): waits in the declared queue, first come first served, until a
   * backend has room, or answers 503 (RFC 9110 §15.6.4) when the queue is full
   * or none is declared (at once) or its timeout passes; no backend is
   * touched before a slot is its own (LB-23).
   */
  queue(request: BalanceRequest, tried: ReadonlySet<Backend>): Promise<Choice> {
    const { size, timeoutMs } = this.#steps.queueLimits(this.profile)
    const full = (text: string): Choice => ({ kind: 'none', status: 503, text, saturated: true })
    if (this.#closed) return Promise.resolve(full('proxyspec: the balancer is closing'))
    if (this.#queue.length >= size || timeoutMs <= 0) {
      return Promise.resolve(
        full(
          size === 0
            ? 'proxyspec: every backend is at its connection limit (no queue)'
            : `proxyspec: every backend is at its connection limit and the queue is full (${size})`,
        ),
      )
    }
    return new Promise<Choice>((resolve) => {
      const waiter: Waiter = { request, tried, resolve, timer: undefined }
      waiter.timer = setTimeout(() => {
        const at = this.#queue.indexOf(waiter)
        if (at >= 0) this.#queue.splice(at, 1)
        resolve(full(`proxyspec: no backend had room within the queue timeout (${timeoutMs} ms)`))
      }, timeoutMs)
      this.#queue.push(waiter)
    })
  }

  /** Requests waiting in the queue now. */
  get queued(): number {
    return this.#queue.length
  }

  /** Gives backends with room to the queue's head, in order, while it can be served. */
  #serveQueue(): void {
    for (let waiter = this.#queue[0]; waiter !== undefined; waiter = this.#queue[0]) {
      const choice = this.#steps.chooseUpstream(this, waiter.request, waiter.tried)
      if (choice.kind === 'none' && choice.saturated === true) return
      this.#queue.shift()
      clearTimeout(waiter.timer)
      waiter.resolve(choice)
    }
  }

  /** Passive checks: an attempt's outcome on `backend`. */
  note(backend: Backend, outcome: UpstreamOutcome): void {
    if (outcome === 'answered') {
      if (passivelyFailed(backend, this.profile)) backend.readmittedAt = this.#now()
      noteSuccess(backend)
    } else noteFailure(backend, this.profile, this.#now())
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
    for (const waiter of this.#queue.splice(0)) {
      clearTimeout(waiter.timer)
      waiter.resolve({ kind: 'none', status: 503, text: 'proxyspec: the balancer is closing' })
    }
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
