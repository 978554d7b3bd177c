/**
 * What the runner does for a load-balancing case (ConformanceCase.balancer):
 * decide the profile in force (or why the case is not applicable), start the
 * case's own backends and a fresh target instance over them, and stop both
 * when the case ends (they go on the case's scope).
 */
import { startBackends } from '../../backends/start-backends.js'
import type { StartedBackends } from '../../backends/types.js'
import { raceTimeout } from '../../net/deadline.js'
import { HarnessError, isHarnessError } from '../../net/errors.js'
import type { Scope } from '../../net/started.js'
import type { BalancerProfile } from '../model/balancer-profile.js'
import type { ConformanceCase } from '../model/case.js'
import type { Verdict } from '../model/verdict.js'
import type { PerCaseBalancer, RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { probeDown, stderrTail } from './liveness.js'

/**
 * How long the backends and the target instance of a load-balancing case may
 * take to start, on top of the case's own deadline (a spawned balancer or a
 * real peer is a process to start and wait for).
 */
export const BALANCER_START_TIMEOUT_MS = 10_000

/** Declared for the not-applicable verdict of a run without --lb-profile. */
export const NO_DECLARED_PROFILE = 'no balancer profile declared: --lb-profile FILE'

export interface BalancingPlan {
  readonly c: ConformanceCase & { readonly balancer: NonNullable<ConformanceCase['balancer']> }
  readonly perCase: PerCaseBalancer
  readonly profile: BalancerProfile
  readonly label: string
}

/**
 * For a load-balancing case: what to start, or why it is not applicable
 * (a string). Undefined for every other case.
 */
export function balancingPlan(
  c: ConformanceCase,
  target: TargetEndpoint,
  env: RunEnvironment,
): BalancingPlan | string | undefined {
  const { balancer } = c
  if (balancer === undefined) return undefined
  const { perCase } = target
  if (perCase === undefined) {
    return `${target.label} is not started by proxyspec: a load-balancing case needs a fresh instance in front of its own backends`
  }
  if (perCase.ownProfile)
    return { c: { ...c, balancer }, perCase, profile: balancer.profile, label: target.label }
  const declared = env.balancerProfile ?? perCase.declaredProfile
  if (declared === undefined) return NO_DECLARED_PROFILE
  const why = balancer.needs?.(declared)
  if (why !== undefined) return `not applicable under the declared balancer profile: ${why}`
  return { c: { ...c, balancer }, perCase, profile: declared, label: target.label }
}

/** A load-balancing case's started backends and instance, and the profile in force. */
export interface BalancingSetup {
  readonly backends: StartedBackends
  readonly profile: BalancerProfile
  /** Where the case's instance listens (replaces the target's address for the case). */
  readonly at: { readonly host: string; readonly port: number }
  /** The last lines the instance wrote, for the evidence. */
  stderr(): string
  /** How the instance ended while the case ran ("exited with code 1"), if it did. */
  crashed(): Promise<string | undefined>
}

/**
 * A case's own instance that died while the case ran failed that case: it
 * served this case alone, so the crash is this case's (a run-wide target's
 * crash is graded `error` until a case takes it down alone, supervise.ts).
 */
export async function crashVerdict(
  setup: BalancingSetup | undefined,
  verdict: Verdict,
): Promise<Verdict> {
  const how = await setup?.crashed()
  if (how === undefined) return verdict
  return {
    status: 'fail',
    message: `the balancer instance started for this case ${how} while the case ran (nothing else ran on it); the case alone had said: ${verdict.message}`,
    expected: 'the instance serves the case to its end',
    observed: `it ${how}`,
  }
}

/**
 * Starts the case's backends, then its target instance over them, within
 * BALANCER_START_TIMEOUT_MS; both on `scope`. A start that fails throws a
 * HarnessError naming the instance's last words (stderr tail).
 */
export async function startBalancing(
  plan: BalancingPlan,
  scope: Scope,
  env: RunEnvironment,
): Promise<BalancingSetup> {
  const started = performance.now()
  const { primaries, backups = 0 } = plan.c.balancer
  const backends = scope.use(
    await startBackends({
      primaries,
      backups,
      ...(plan.profile.active?.path === undefined ? {} : { healthPath: plan.profile.active.path }),
    }),
  )
  plan.c.balancer.prepare?.(backends)
  const withinMs = Math.max(0, BALANCER_START_TIMEOUT_MS - (performance.now() - started))
  const starting = plan.perCase.start({
    primaries: backends.primaries.map((b) => ({ host: b.host, port: b.port })),
    backups: backends.backups.map((b) => ({ host: b.host, port: b.port })),
    healthPath: backends.healthPath,
    profile: plan.profile,
    withinMs,
  })
  let instance
  try {
    instance = await raceTimeout(
      `${plan.label} to start in front of this case's backends`,
      starting,
      withinMs + 500,
      env.signal,
    )
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new HarnessError(
      isHarnessError(error) ? error.code : 'HARNESS_SPAWN_FAILED',
      `${plan.label} did not start for this case: ${message.replace(/^\[proxyspec\] /, '')}`,
      { cause: error },
    )
  }
  if (!('host' in instance)) {
    // Stopped whenever it does come up: nothing started is left running.
    void starting.then((late) => late.close()).catch(() => undefined)
    throw new HarnessError(
      'HARNESS_SPAWN_FAILED',
      `${plan.label} did not start for this case within ${BALANCER_START_TIMEOUT_MS} ms`,
    )
  }
  scope.use(instance)
  // The instance ends by itself only if it crashed: once the scope starts
  // closing (LIFO: this runs before the instance's own close), an end is ours.
  let stopping = false
  const ended =
    instance.ended === undefined
      ? undefined
      : instance.ended.then((how) => (stopping ? undefined : how))
  scope.defer(() => {
    stopping = true
  })
  const at = { host: instance.host, port: instance.port }
  const stderr = (): string => stderrTail(instance.stderr())
  return {
    backends,
    profile: plan.profile,
    at,
    stderr,
    async crashed() {
      // Only a process of ours can be seen to crash; the exit is seen a moment
      // after its connections reset, so a probe decides, and the exit names how.
      if (ended === undefined || !(await probeDown(at.host, at.port, instance.ended))) return
      const how = await raceTimeout('the instance to exit', ended, 1000)
      return typeof how === 'string' ? how : 'stopped accepting connections'
    },
  }
}

/** How many of a backend's requests its evidence line lists, first and last. */
const NOTED_HEAD = 12
const NOTED_TAIL = 4

/** One evidence line per backend (what reached it), and the instance's last words if any. */
export function backendNotes(setup: BalancingSetup): string[] {
  const tail = setup.stderr()
  return [
    ...setup.backends.all.map((backend) => {
      const listed = (r: (typeof backend.requests)[number]): string =>
        `${r.method} ${r.target} (${r.conn}, ${r.outcome ?? 'in flight'})`
      // A statistical case sends thousands: the head and tail are kept, the count says the rest.
      const all = backend.requests
      const requests =
        all.length <= NOTED_HEAD + NOTED_TAIL
          ? all.map(listed).join('; ')
          : [
              ...all.slice(0, NOTED_HEAD).map(listed),
              `… ${all.length - NOTED_HEAD - NOTED_TAIL} more …`,
              ...all.slice(-NOTED_TAIL).map(listed),
            ].join('; ')
      const checks = backend.healthChecks.length
      return `backend ${backend.name} ${backend.authority}: ${backend.requests.length} request(s)${requests === '' ? '' : `: ${requests}`}${checks === 0 ? '' : `; ${checks} health check(s)`}`
    }),
    ...(tail === '' ? [] : [`the instance wrote: ${tail}`]),
  ]
}
