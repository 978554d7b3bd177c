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
import type { PerCaseBalancer, RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { stderrTail } from './liveness.js'

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
  const stderr = (): string => stderrTail(instance.stderr())
  return {
    backends,
    profile: plan.profile,
    at: { host: instance.host, port: instance.port },
    stderr,
  }
}

/** One evidence line per backend (what reached it), and the instance's last words if any. */
export function backendNotes(setup: BalancingSetup): string[] {
  const tail = setup.stderr()
  return [
    ...setup.backends.all.map((backend) => {
      const requests = backend.requests
        .map((r) => `${r.method} ${r.target} (${r.conn}, ${r.outcome ?? 'in flight'})`)
        .join('; ')
      const checks = backend.healthChecks.length
      return `backend ${backend.name} ${backend.authority}: ${backend.requests.length} request(s)${requests === '' ? '' : `: ${requests}`}${checks === 0 ? '' : `; ${checks} health check(s)`}`
    }),
    ...(tail === '' ? [] : [`the instance wrote: ${tail}`]),
  ]
}
