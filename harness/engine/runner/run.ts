import type { BalancerProfile } from '../model/balancer-profile.js'
import type { ConformanceCase } from '../model/case.js'
import type { CaseResult, RunResult, TargetCrash } from '../model/run-result.js'
import { SCHEMA_VERSION } from '../model/run-result.js'
import type { FtpMode, Role } from '../model/roles.js'
import type { Front } from '../model/front.js'
import { probeH2Front } from '../target/preflight-h2.js'
import { TERMINATOR_NAME } from '../../tls/certificate-plan.js'
import { raceTimeout } from '../../net/deadline.js'
import { HarnessError, isHarnessError } from '../../net/errors.js'
import { Scope } from '../../net/started.js'
import type { PeerOptions } from '../../peers/choose-provider.js'
import { assertReachable, assertSpeaksHttp } from '../target/preflight.js'
import { assertReachesOrigin } from '../target/preflight-origin.js'
import { startTarget } from '../target/start-target.js'
import type { StartedTarget } from '../target/started-target.js'
import { resolveFronts, resolveRoles, type TargetSpec } from '../target/target-spec.js'
import { summarize } from '../model/summary.js'
import {
  DEFAULT_CASE_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  originHostFor,
  type ProxyCredentials,
  type RunEnvironment,
  type TargetEndpoint,
} from '../environment/environment.js'
import { stderrTail } from './liveness.js'
import { runSuitesReport } from './run-suites.js'
import { describeSelection, selectCasesForRun, type Selection } from './select.js'
import { dealShard, runUnits, unitRef, type RunUnit, type Shard } from './shard.js'
import { startRunEnvironment } from '../environment/start-environment.js'
import { toolVersion } from './tool-version.js'

export interface RunRequest {
  readonly target: TargetSpec
  /** Roles to test; empty = every role a built-in plays (required for URL and spawn targets). */
  readonly roles: readonly Role[]
  readonly selection: Selection
  /**
   * The protocols spoken to the target (--front); empty = what it declares
   * (resolveFronts: the reference h1 and h2, a peer profile's, else h1).
   */
  readonly fronts?: readonly Front[]
  readonly timeoutMs?: number
  readonly quietMs?: number
  readonly concurrency?: number
  readonly strict?: boolean
  readonly originPort?: number
  /** `--host NAME`: the Host sent to the gateway roles instead of the upstream's host:port. */
  readonly host?: string
  /** How peer:<name> targets are started (provider, images). */
  readonly peer?: PeerOptions
  readonly signal?: AbortSignal
  /** Proxy credentials the target requires (--proxy-auth): the auth cases use them. */
  readonly proxyAuth?: ProxyCredentials
  /**
   * The balancer profile the target is configured with (--lb-profile): the
   * profile in force for the load-balancing cases of a target other than the
   * reference; without one they are not applicable.
   */
  readonly balancerProfile?: BalancerProfile
  /** How an ftp-gateway target is addressed (--ftp-mode). @default 'forward' */
  readonly ftpMode?: FtpMode
  /** The FTP/read timeout in seconds it is configured with (--ftp-timeout, {ftp_timeout}). @default 5 */
  readonly ftpTimeoutS?: number
  /** Start a target that went down again and go on (default: the run stops there). */
  readonly restartOnCrash?: boolean
  /**
   * Run one share of the work (`--shard i/n`, shard.ts): the units dealShard
   * gives this index, or those `take` picks out of the whole run's (the
   * matrix slices across its passes). Targets start only in the roles the
   * share has cases for; the report records the shard and every unit of the
   * whole run. Absent: the whole run.
   */
  readonly shard?: Shard & {
    readonly take?: (units: readonly RunUnit[]) => readonly RunUnit[]
  }
  /** Called once per role whose target did not speak h2 when asked to (the one line the CLI prints). */
  readonly onUnsupportedFront?: (role: Role, front: Front, reason: string) => void
  /** Called once each time a target goes down (the one line the CLI prints). */
  readonly onCrash?: (crash: TargetCrash) => void
  readonly onStart?: (c: ConformanceCase, target: TargetEndpoint) => void
  readonly onResult?: (result: CaseResult) => void
}

/** Starts the target in one role and checks, before any case, that it can be tested there. */
async function startChecked(
  request: RunRequest,
  role: Role,
  env: RunEnvironment,
  scope: Scope,
  probeH2: boolean,
  speaksH1: boolean,
): Promise<StartedTarget> {
  const target = await startReachable(request, role, env, scope, speaksH1)
  if (!probeH2) return target
  const tls =
    role === 'tls-terminator'
      ? { servername: TERMINATOR_NAME, ca: (await env.tls.origin.corpus()).ca.cert }
      : undefined
  const noH2 = await probeH2Front(target.endpoint, tls)
  if (noH2 === undefined) return target
  request.onUnsupportedFront?.(role, 'h2', noH2)
  return { ...target, endpoint: { ...target.endpoint, noH2 } }
}

/**
 * Starts the target in one role and checks, before any case, that it is
 * reachable and, when the run speaks HTTP/1.1 to it, that it answers HTTP/1.1
 * and reaches the origin there (a port that speaks only h2, nginx's
 * `listen … http2` on cleartext, is checked by the h2 preflight alone).
 */
async function startReachable(
  request: RunRequest,
  role: Role,
  env: RunEnvironment,
  scope: Scope,
  speaksH1: boolean,
): Promise<StartedTarget> {
  const target = scope.use(await startTarget(request.target, role, env, request.peer))
  try {
    const { label } = request.target
    await assertReachable(label, target.endpoint.host, target.endpoint.port)
    if (speaksH1) {
      await assertSpeaksHttp(label, target.endpoint, originHostFor(env, role))
      await assertReachesOrigin(label, target.endpoint, env)
    }
  } catch (error) {
    // A spawned target that died on the preflight request: say so, with its last words.
    const ended = target.ended === undefined ? undefined : await raceTimeout('', target.ended, 250)
    await target.close()
    if (typeof ended !== 'string' || !isHarnessError(error)) throw error
    const last = stderrTail(target.stderr(), 1)
    throw new HarnessError(
      error.code,
      `${error.message.replace(/^\[proxyspec\] /, '')} (the spawned target ${ended}${last === '' ? '' : `: ${last}`})`,
    )
  }
  return target
}

/**
 * One whole run: select the cases, start the origin and CONNECT targets, start
 * or reach the target in each role, run, and build the result model. Throws a
 * HarnessError when the run cannot be made (exit 2); everything started is
 * stopped either way.
 */
export async function executeRun(
  request: RunRequest,
  catalog: readonly ConformanceCase[],
): Promise<RunResult> {
  const { roles, fronts, cases, units } = planRun(request, catalog)
  const { shard } = request
  const mine = shard === undefined ? units : (shard.take?.(units) ?? dealShard(units, roles, shard))
  // A shard starts the target only in the roles it has cases for.
  const playing = roles.filter((role) => mine.some((u) => u.applicable && u.role === role))

  // The h2 front is probed only in the roles where an h2 case will run.
  const probeH2 = (role: Role): boolean =>
    mine.some((u) => u.applicable && u.role === role && u.c.front === 'h2')
  const concurrency = request.concurrency ?? DEFAULT_CONCURRENCY
  const timeoutMs = request.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS
  const startedAt = new Date()
  const started = performance.now()
  const scope = new Scope()
  // Every target started, restarts included (their stderr goes into the report).
  const targets: StartedTarget[] = []
  const current = new Map<Role, StartedTarget>()
  const crashes: TargetCrash[] = []
  try {
    const env = await startRunEnvironment(scope, {
      tcpPerKind: concurrency,
      timeoutMs,
      ...(request.originPort === undefined ? {} : { originPort: request.originPort }),
      ...(request.quietMs === undefined ? {} : { quietMs: request.quietMs }),
      ...(request.host === undefined ? {} : { host: request.host }),
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.proxyAuth === undefined ? {} : { proxyAuth: request.proxyAuth }),
      ...(request.balancerProfile === undefined
        ? {}
        : { balancerProfile: request.balancerProfile }),
      // The raw h2 origin only for a run with a case whose target talks h2 to its upstream.
      ...(mine.some((u) => u.applicable && u.c.upstream === 'h2') ? { h2Origin: true } : {}),
      // The FTP origin only for a run that plays the ftp-gateway role.
      ...(playing.includes('ftp-gateway')
        ? {
            ftp: {
              ...(request.ftpMode === undefined ? {} : { mode: request.ftpMode }),
              ...(request.ftpTimeoutS === undefined ? {} : { timeoutS: request.ftpTimeoutS }),
            },
          }
        : {}),
    })
    for (const role of playing) {
      const target = await startChecked(
        request,
        role,
        env,
        scope,
        probeH2(role),
        fronts.includes('h1'),
      )
      targets.push(target)
      current.set(role, target)
    }
    const restart = async (role: Role): Promise<StartedTarget> => {
      if (request.target.kind === 'url') {
        throw new HarnessError(
          'HARNESS_BAD_INPUT',
          `${request.target.label} is not started by proxyspec: it cannot start it again`,
        )
      }
      await current.get(role)?.close()
      const fresh = await startChecked(
        request,
        role,
        env,
        scope,
        probeH2(role),
        fronts.includes('h1'),
      )
      targets.push(fresh)
      current.set(role, fresh)
      return fresh
    }
    const { results, unattributedOrigin } = await runSuitesReport(
      cases,
      targets.map((t) => t.endpoint),
      env,
      {
        concurrency,
        crash: {
          live: [...targets],
          ...(request.restartOnCrash === true ? { restart } : {}),
          onCrash: (crash) => {
            crashes.push(crash)
            request.onCrash?.(crash)
          },
        },
        units: mine,
        ...(request.onStart === undefined ? {} : { onStart: request.onStart }),
        ...(request.onResult === undefined ? {} : { onResult: request.onResult }),
      },
    )
    const stderr = targets
      .map((t, i) =>
        i < playing.length || t.stderr() === ''
          ? t.stderr()
          : `--- restarted (${t.endpoint.role}) ---\n${t.stderr()}`,
      )
      .join('')
    return {
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'proxyspec', version: toolVersion() },
      run: {
        id: env.tokens.runId,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        durationMs: Math.round(performance.now() - started),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        options: {
          suites: request.selection.suites,
          cases: request.selection.cases,
          ...(request.selection.exclude?.length ? { exclude: request.selection.exclude } : {}),
          ...(request.host === undefined ? {} : { host: request.host }),
          timeoutMs,
          concurrency,
          strict: request.strict ?? false,
          fronts,
          ...(request.restartOnCrash === true ? { restartOnCrash: true } : {}),
          ...(shard === undefined
            ? {}
            : { shard: { index: shard.index, count: shard.count, units: units.map(unitRef) } }),
        },
      },
      target: {
        label: request.target.label,
        kind: request.target.kind,
        roles,
        ...(stderr === '' ? {} : { stderr }),
        ...(crashes.length === 0 ? {} : { crashes }),
        ...declaredBalancerProfile(request, targets),
      },
      summary: summarize(results, request.strict ?? false),
      results,
      ...(unattributedOrigin === undefined ? {} : { unattributedOrigin }),
    }
  } finally {
    await scope.close()
  }
}

/** What a run will do: its roles, the fronts spoken, the cases and every (case, role) unit. */
export interface RunPlan {
  readonly roles: readonly Role[]
  readonly fronts: readonly Front[]
  readonly cases: readonly ConformanceCase[]
  /** In the canonical order (shard.ts): the whole run's, whatever its shard. */
  readonly units: readonly RunUnit[]
}

/**
 * The plan of executeRun, nothing started: throws a one-line HarnessError when
 * no case of the catalog is selected (the matrix plans its passes with it).
 */
export function planRun(
  request: Pick<RunRequest, 'target' | 'roles' | 'fronts' | 'selection'>,
  catalog: readonly ConformanceCase[],
): RunPlan {
  const roles = resolveRoles(request.target, request.roles)
  const fronts = resolveFronts(request.target, request.fronts ?? [])
  const cases = selectCasesForRun(catalog, request.selection, roles, fronts)
  if (cases.length === 0) {
    const selected = describeSelection(request.selection)
    const other = (['h1', 'h2'] as const).filter(
      (f) =>
        !fronts.includes(f) && selectCasesForRun(catalog, request.selection, roles, [f]).length > 0,
    )
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      other.length > 0
        ? `no case ${selected === '' ? 'applies' : `matches ${selected}`} when the target is spoken to in ${fronts.join(' and ')}; the ${other.join(' and ')} cases need --front ${other.join(',')}`
        : selected === ''
          ? `no case applies to the ${roles.join(', ')} role${roles.length === 1 ? '' : 's'} (see: proxyspec list --role ROLE)`
          : `no case matches ${selected} (see: proxyspec list)`,
    )
  }
  return { roles, fronts, cases, units: runUnits(cases, roles) }
}

/**
 * The balancer profile the contract rows were judged against, for the report:
 * --lb-profile (or the config's), else the one a peer declares. The reference
 * declares none: each of its balancing cases runs under the case's own profile.
 */
function declaredBalancerProfile(
  request: RunRequest,
  targets: readonly StartedTarget[],
): { balancerProfile?: BalancerProfile } {
  const declared =
    request.balancerProfile ??
    targets.find((t) => t.endpoint.perCase?.ownProfile === false)?.endpoint.perCase?.declaredProfile
  return declared === undefined ? {} : { balancerProfile: declared }
}
