/**
 * Runs the work of a run while watching the target it runs on. A target goes
 * down when the process behind it ends by itself (spawned targets) or when it
 * refuses connections on the port where it accepted them (any target: checked
 * after every result that is not a pass, so a crash is never graded as the
 * target's fail or warn).
 *
 * The cases running on it then are the suspects: they are stopped and none of
 * their verdicts stands. Without a restart the run stops: the suspects and
 * every case not run yet are `error`. With one, the target is started again and
 * the suspects run again one at a time, nothing else running on it: with eight
 * cases at once there is no knowing which request killed it, but a case that
 * takes a fresh target down when it runs alone did, and is graded `fail` ("a
 * target that crashes on a request is a finding" whatever the level of the
 * requirement the case grades: every other client's connections went with it).
 * A suspect that does not take it down alone keeps the verdict of that run.
 */
import type { ConformanceCase } from '../model/case.js'
import type { Role } from '../model/roles.js'
import type { CaseResult, TargetCrash } from '../model/run-result.js'
import { raceTimeout } from '../../net/deadline.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { crashedOn, withNote } from './crash-verdicts.js'
import { probeDown, stderrTail } from './liveness.js'
import { runCase } from './run-case.js'

/** A target as the supervisor watches it: where it listens, how its process ends, what it wrote. */
export interface LiveTarget {
  readonly endpoint: TargetEndpoint
  readonly ended?: Promise<string>
  stderr(): string
}

export interface CrashOptions {
  /** The targets as started, matched to the endpoints by role. */
  readonly live?: readonly LiveTarget[]
  /** Starts the target of `role` again, preflight passed (or throws). Absent: a crash stops the run. */
  readonly restart?: (role: Role) => Promise<LiveTarget>
  /** Restarts allowed in one run before it stops anyway. @default 50 */
  readonly maxRestarts?: number
  /** Called once for each time a target went down, as the run goes on or stops. */
  readonly onCrash?: (crash: TargetCrash) => void
}

export interface WorkItem {
  readonly index: number
  readonly c: ConformanceCase
  readonly role: Role
}

interface Slot {
  target: LiveTarget
  generation: number
  controller: AbortController
  signal: AbortSignal
  /** The generation that went down, and how. */
  down?: { readonly generation: number; readonly how: string }
  /** Suspects are being re-run: a crash now is the case's, not a new recovery. */
  rerunning: boolean
}

interface Running {
  readonly item: WorkItem
  readonly slot: Slot
  readonly generation: number
  readonly settled: Promise<void>
  result?: CaseResult
}

const label = (item: WorkItem): string => `${item.c.id} [${item.role}]`

/** A load-balancing case starts its own backends and target instance (runner/balancing.ts). */
const ownInstance = (item: WorkItem): boolean => item.c.balancer !== undefined

export class Supervisor {
  /** Cases on the run's shared targets. */
  readonly #queue: WorkItem[]
  /** Lets a case that must have the shared targets to itself (ConformanceCase.alone) run alone. */
  readonly #gate = new AloneGate()
  /** Cases that start their own target instance (load balancing): a lane of their own. */
  readonly #ownInstance: WorkItem[]
  readonly #slots = new Map<Role, Slot>()
  readonly #running = new Set<Running>()
  readonly #env: RunEnvironment
  readonly #options: CrashOptions
  readonly #publish: (item: WorkItem, result: CaseResult, announce?: boolean) => void
  readonly #onStart: ((c: ConformanceCase, target: TargetEndpoint) => void) | undefined
  readonly #onToken: ((item: WorkItem, token: string) => void) | undefined
  #recovery: Promise<void> | undefined
  #restarts = 0
  #finished = false
  #failure: Error | undefined
  /** Set when the run stopped at a crash: why the cases left are not run. */
  #stopped: string | undefined

  constructor(parts: {
    readonly work: readonly WorkItem[]
    readonly targets: readonly TargetEndpoint[]
    readonly env: RunEnvironment
    readonly options: CrashOptions
    readonly publish: (item: WorkItem, result: CaseResult, announce?: boolean) => void
    readonly onStart?: (c: ConformanceCase, target: TargetEndpoint) => void
    /** The token each attempt's requests carry, so origin traffic can be traced to its case. */
    readonly onToken?: (item: WorkItem, token: string) => void
  }) {
    this.#queue = runOrder(parts.work.filter((item) => !ownInstance(item)))
    this.#ownInstance = runOrder(parts.work.filter(ownInstance))
    this.#env = parts.env
    this.#options = parts.options
    this.#publish = parts.publish
    this.#onStart = parts.onStart
    this.#onToken = parts.onToken
    for (const endpoint of parts.targets) {
      const live = parts.options.live?.find((t) => t.endpoint.role === endpoint.role)
      this.#watch(endpoint.role, live ?? { endpoint, stderr: () => '' }, 0)
    }
  }

  /**
   * Runs every item with `concurrency` workers on the shared targets, and
   * beside them a quarter as many (at least one) on the cases that start their
   * own instance (fewer: each starts a real peer and its timing is graded): those
   * wait on check intervals and hundreds of requests to their own backends,
   * not on the shared target, so they must not hold its slots (nor queue
   * behind them). With a concurrency of 1 everything runs one at a time.
   *
   * The shared lanes are elastic: a case still running after LONG_WAIT_MS is
   * waiting on silence (a deadline, a quiet period, an FTP timeout), not on
   * the CPU, so its lane starts the next case beside it, up to ELASTIC_FACTOR
   * times the lanes (issue 16: the blind relay's run went from 18.9 s to 9.3 s,
   * its 3 s deadlines no longer queued eight at a time). 300 ms and 8 times
   * made it 6.2 s, but the CPU they add made timing-graded cases flaky in CI
   * (balancing/slow-start-ramps-share).
   * Returns why the rest was not run, if it stopped.
   */
  async run(concurrency: number): Promise<{ stopped?: string; left: readonly WorkItem[] }> {
    if (concurrency === 1) {
      const serial = new LaneGroup([...this.#ownInstance.splice(0), ...this.#queue.splice(0)], 1, 1)
      await this.#lanes(serial)
    } else {
      const own = Math.max(1, Math.floor(concurrency / 4))
      await Promise.all([
        this.#lanes(new LaneGroup(this.#queue, concurrency, concurrency * ELASTIC_FACTOR)),
        // Not elastic: these cases grade timing, and more of them at once starve each other.
        this.#lanes(new LaneGroup(this.#ownInstance, own, own)),
      ])
    }
    while (this.#recovery !== undefined) await this.#recovery
    this.#finished = true
    if (this.#failure !== undefined) throw this.#failure
    return {
      ...(this.#stopped === undefined ? {} : { stopped: this.#stopped }),
      left: [...this.#ownInstance, ...this.#queue],
    }
  }

  /** Starts a group's lanes and waits for every lane, those added on the way too. */
  async #lanes(group: LaneGroup): Promise<void> {
    for (let i = 0; i < group.base; i += 1) this.#addLane(group)
    while (group.lanes.size > 0) await Promise.all([...group.lanes])
  }

  #addLane(group: LaneGroup): void {
    const lane: Promise<void> = this.#worker(group).finally(() => group.lanes.delete(lane))
    group.lanes.add(lane)
  }

  #watch(role: Role, target: LiveTarget, generation: number): void {
    const controller = new AbortController()
    const signal =
      this.#env.signal === undefined
        ? controller.signal
        : AbortSignal.any([controller.signal, this.#env.signal])
    const slot = this.#slots.get(role)
    if (slot === undefined) {
      this.#slots.set(role, { target, generation, controller, signal, rerunning: false })
    } else {
      Object.assign(slot, { target, generation, controller, signal })
    }
    void target.ended?.then((how) => {
      const current = this.#slots.get(role)
      if (current !== undefined && !this.#finished) this.#down(current, generation, how)
    })
  }

  async #worker(group: LaneGroup): Promise<void> {
    const queue = group.queue
    for (;;) {
      while (this.#recovery !== undefined) await this.#recovery
      if (this.#env.signal?.aborted === true || this.#stopped !== undefined) return
      const item = queue.shift()
      if (item === undefined) return
      const shared = !ownInstance(item)
      // Not a wait: the scheduling policy of elastic lanes (run() above).
      let long = false
      const handOn = setTimeout(() => {
        long = true
        group.waiting += 1
        if (group.lanes.size - group.waiting < group.base && group.lanes.size < group.cap)
          this.#addLane(group)
      }, LONG_WAIT_MS)
      if (shared) await this.#gate.enter(item.c.alone !== undefined)
      try {
        const entry = await this.#attempt(item, false)
        if (entry.result !== undefined && !this.#wentDown(entry)) this.#publish(item, entry.result)
      } finally {
        clearTimeout(handOn)
        if (long) group.waiting -= 1
        if (shared) this.#gate.leave(item.c.alone !== undefined)
      }
      // Back to the base number of busy lanes once the long waits are over.
      if (group.lanes.size - group.waiting > group.base) return
    }
  }

  #wentDown(entry: Running): boolean {
    return entry.slot.down?.generation === entry.generation
  }

  /** Runs one item on its role's current target; `alone`: probe even after a pass. */
  async #attempt(item: WorkItem, alone: boolean): Promise<Running> {
    const slot = this.#slot(item.role)
    let settle!: () => void
    const entry: Running = {
      item,
      slot,
      generation: slot.generation,
      settled: new Promise<void>((resolve) => (settle = resolve)),
    }
    this.#running.add(entry)
    try {
      const { endpoint, ended } = slot.target
      this.#onStart?.(item.c, endpoint)
      const token = this.#env.tokens.next()
      this.#onToken?.(item, token)
      entry.result = await runCase(item.c, endpoint, { ...this.#env, signal: slot.signal }, token)
      const status = entry.result.verdict.status
      const suspicious = alone || (status !== 'pass' && status !== 'not-applicable')
      if (
        suspicious &&
        !this.#wentDown(entry) &&
        this.#env.signal?.aborted !== true &&
        (await probeDown(endpoint.host, endpoint.port, ended))
      ) {
        this.#down(slot, entry.generation, 'stopped accepting connections (connection refused)')
      }
      return entry
    } finally {
      this.#running.delete(entry)
      settle()
    }
  }

  #slot(role: Role): Slot {
    const slot = this.#slots.get(role)
    if (slot === undefined) throw new Error(`[proxyspec] no target for the ${role} role`)
    return slot
  }

  /** The target of `slot` went down in `generation`: stop its cases and recover once. */
  #down(slot: Slot, generation: number, how: string): void {
    if (slot.generation !== generation || slot.down?.generation === generation) return
    slot.down = { generation, how }
    const suspects = [...this.#running].filter(
      (r) => r.slot === slot && r.generation === generation,
    )
    slot.controller.abort()
    if (slot.rerunning) return
    const before = this.#recovery
    const recovery = (async () => {
      await before
      await this.#recover(slot, suspects)
    })().catch((error: unknown) => {
      // Our own fault while recovering: the run ends with it once the workers stop.
      this.#failure ??= error instanceof Error ? error : new Error(String(error))
      this.#stopped ??= 'not run: the harness failed while the target was down'
    })
    this.#recovery = recovery
    void recovery.finally(() => {
      if (this.#recovery === recovery) this.#recovery = undefined
    })
  }

  async #recover(slot: Slot, suspects: readonly Running[]): Promise<void> {
    await Promise.all(suspects.map((s) => s.settled))
    const how = await this.#how(slot)
    const ordered = [...suspects].sort((a, b) => a.item.index - b.item.index)
    const crash = this.#crash(
      slot,
      how,
      ordered.map((s) => label(s.item)),
      false,
    )
    const first = await this.#restart(slot, crash)
    if (first !== 'restarted') {
      this.#stop(slot, { ...crash, ...first }, ordered, how)
      return
    }
    slot.rerunning = true
    try {
      for (const [i, suspect] of ordered.entries()) {
        if (this.#stopped !== undefined || this.#env.signal?.aborted === true) return
        if (slot.down?.generation === slot.generation) {
          // It went down after the last case was graded alive: blame no one, start afresh.
          const late = this.#crash(slot, await this.#how(slot), [], false)
          const restarted = await this.#restart(slot, late)
          if (restarted !== 'restarted') {
            this.#stop(slot, { ...late, ...restarted }, ordered.slice(i), how)
            return
          }
        }
        const entry = await this.#attempt(suspect.item, true)
        if (entry.result === undefined) continue
        if (!this.#wentDown(entry)) {
          const note = `ran again alone after the target ${how} while it ran with others`
          this.#publish(suspect.item, withNote(entry.result, note))
          continue
        }
        const aloneHow = await this.#how(slot)
        this.#publish(suspect.item, crashedOn(entry.result, aloneHow, slot.target.stderr()))
        const again = this.#crash(slot, aloneHow, [label(suspect.item)], true)
        const next = await this.#restart(slot, again)
        if (next !== 'restarted') {
          this.#stop(slot, { ...again, ...next }, ordered.slice(i + 1), how)
          return
        }
      }
    } finally {
      slot.rerunning = false
    }
  }

  /** How the target went down: a spawned process's own end, when it comes soon after the refusal. */
  async #how(slot: Slot): Promise<string> {
    const down = slot.down?.how ?? 'went down'
    const { ended } = slot.target
    if (ended === undefined || !down.startsWith('stopped accepting')) return down
    const exit = await raceTimeout('the target process to end', ended, 1000)
    return typeof exit === 'string' ? exit : down
  }

  #crash(slot: Slot, how: string, running: readonly string[], alone: boolean): TargetCrash {
    return {
      role: slot.target.endpoint.role,
      at: new Date().toISOString(),
      how,
      running,
      alone,
      stderrTail: stderrTail(slot.target.stderr()),
      action: 'restarted',
    }
  }

  /**
   * Starts the target again and reports `crash` as restarted; otherwise says
   * why not (nothing when no restart was asked for) and reports nothing yet.
   */
  async #restart(slot: Slot, crash: TargetCrash): Promise<'restarted' | { note?: string }> {
    const { restart } = this.#options
    if (restart === undefined || this.#env.signal?.aborted === true) return {}
    const max = this.#options.maxRestarts ?? 50
    if (this.#restarts >= max) return { note: `restarted ${max} times already` }
    this.#restarts += 1
    try {
      const fresh = await restart(crash.role)
      this.#watch(crash.role, fresh, slot.generation + 1)
    } catch (error) {
      const why =
        error instanceof Error ? error.message.replace(/^\[proxyspec\] /, '') : String(error)
      return { note: `the restart failed: ${why}` }
    }
    this.#options.onCrash?.(crash)
    return 'restarted'
  }

  /** The run stops: the suspects are `error`, never the target's verdict; the rest is not run. */
  #stop(slot: Slot, crash: TargetCrash, suspects: readonly Running[], how: string): void {
    const [first] = crash.running
    const others = crash.running.length - 1
    const during =
      first === undefined
        ? 'while no case was running'
        : `during ${first}${others === 0 ? '' : ` and ${others} other${others === 1 ? '' : 's'}`}`
    this.#stopped ??= `not run: the run stopped when the target (${crash.role}) ${crash.how} ${during}`
    const company =
      suspects.length <= 1
        ? ''
        : ` (with ${suspects.length - 1} other${suspects.length === 2 ? '' : 's'})`
    for (const suspect of suspects) {
      if (suspect.result === undefined) continue
      // Not announced one by one: the crash line names them.
      const verdict = {
        status: 'error' as const,
        message: `not graded: the target ${how} while this case ran${company}`,
      }
      this.#publish(suspect.item, { ...suspect.result, verdict }, false)
    }
    this.#options.onCrash?.({ ...crash, action: 'stopped' })
    slot.controller.abort()
  }
}

/**
 * Cases on the shared targets run side by side, except one that must be
 * alone: it claims the gate (no case starts after that), waits until the
 * cases running drain, runs, and opens the gate again.
 */
/**
 * The order cases start in (results keep the catalog's order): the cases that
 * must run alone first, while nothing else has started (later, each waits for
 * every running case to drain and then holds the shared targets: 7 s of a 19 s
 * run went on one such wait), then those that declare a longer deadline (FTP
 * timeouts, endless listings), so no long case starts last and ends the run
 * alone. Stable: the catalog order otherwise.
 */
function runOrder(items: readonly WorkItem[]): WorkItem[] {
  const rank = (item: WorkItem): number => (item.c.alone !== undefined ? 1 : 0)
  return [...items].sort((a, b) => rank(b) - rank(a) || (b.c.timeoutMs ?? 0) - (a.c.timeoutMs ?? 0))
}

/** A case running longer than this waits on silence: its lane starts another beside it. */
const LONG_WAIT_MS = 750
/** At most this many times the lanes run at once while cases wait on silence. */
const ELASTIC_FACTOR = 4

/** Lanes taking items from one queue: `base` of them, up to `cap` while cases wait long. */
class LaneGroup {
  readonly lanes = new Set<Promise<void>>()
  /** Lanes whose case has run longer than LONG_WAIT_MS. */
  waiting = 0
  readonly queue: WorkItem[]
  readonly base: number
  readonly cap: number
  constructor(queue: WorkItem[], base: number, cap: number) {
    this.queue = queue
    this.base = base
    this.cap = cap
  }
}

class AloneGate {
  #running = 0
  #claimed: Promise<void> | undefined
  #open: (() => void) | undefined
  #drained: (() => void) | undefined

  async enter(alone: boolean): Promise<void> {
    while (this.#claimed !== undefined) await this.#claimed
    if (alone) {
      this.#claimed = new Promise<void>((resolve) => (this.#open = resolve))
      if (this.#running > 0) await new Promise<void>((resolve) => (this.#drained = resolve))
    }
    this.#running += 1
  }

  leave(alone: boolean): void {
    this.#running -= 1
    if (alone) {
      const open = this.#open
      this.#claimed = undefined
      this.#open = undefined
      open?.()
    } else if (this.#running === 0 && this.#drained !== undefined) {
      const drained = this.#drained
      this.#drained = undefined
      drained()
    }
  }
}
