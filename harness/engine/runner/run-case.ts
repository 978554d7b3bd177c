import { appliesTo, effectiveRoles, type ConformanceCase } from '../model/case.js'
import type { CaseResult } from '../model/run-result.js'
import { specUrl } from '../model/spec-ref.js'
import { grade, type SerializedError, type Verdict } from '../model/verdict.js'
import { Deadline, raceTimeout } from '../../net/deadline.js'
import { isHarnessError } from '../../net/errors.js'
import { outcomeOf, timedOut } from '../model/outcome.js'
import { Scope } from '../../net/started.js'
import { TranscriptRecorder, boundEvidence, toWireEvents } from '../../net/transcript.js'
import type { Role } from '../model/roles.js'
import {
  backendNotes,
  balancingPlan,
  crashVerdict,
  startBalancing,
  type BalancingSetup,
} from './balancing.js'
import { createCaseContext } from './case-context.js'
import { caseReportRecorder } from './case-report.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { startCaseFtp, type CaseFtp } from '../environment/ftp.js'
import { HarnessError } from '../../net/errors.js'

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(error.stack === undefined ? {} : { stack: error.stack }),
    }
  }
  return { name: 'Error', message: String(error) }
}

function resultOf(
  c: ConformanceCase,
  role: Role,
  verdict: Verdict,
  durationMs: number,
  evidence: CaseResult['evidence'],
): CaseResult {
  return {
    id: c.id,
    suite: c.suite,
    title: c.title,
    role,
    level: c.level,
    requirements: c.requirements,
    requirement: c.requirement,
    spec: c.spec.map((ref) => ({ rfc: ref.rfc, section: ref.section, url: specUrl(ref) })),
    verdict,
    durationMs: Math.round(durationMs * 10) / 10,
    evidence,
  }
}

/** The start times of the cases running on each origin transcript (a run's, or a test's). */
const RUNNING = new WeakMap<object, Set<number>>()

function runningSince(env: RunEnvironment): Set<number> {
  let set = RUNNING.get(env.origin.transcript)
  if (set === undefined) {
    set = new Set()
    RUNNING.set(env.origin.transcript, set)
  }
  return set
}

/**
 * This case is done with the origin's transcript: connections that closed
 * before the oldest case still running started belong to no evidence any more.
 */
function forgetOldOriginConnections(env: RunEnvironment, startedAt: number): void {
  const running = runningSince(env)
  running.delete(startedAt)
  let oldest = performance.now()
  for (const at of running) oldest = Math.min(oldest, at)
  env.origin.transcript.forgetClosedBefore(oldest)
}

/** A case that does not apply to the role is reported as such, never as failed. */
export function notApplicable(c: ConformanceCase, role: Role, why?: string): CaseResult {
  return resultOf(
    c,
    role,
    {
      status: 'not-applicable',
      message: why ?? `applies to ${effectiveRoles(c).join(', ')}; the target plays ${role}`,
    },
    0,
    { events: [], notes: why === undefined ? [] : [why] },
  )
}

/** An h2 case against a target that did not speak h2 in the preflight (TargetEndpoint.noH2). */
function unsupportedFront(c: ConformanceCase, role: Role, why: string): CaseResult {
  return resultOf(c, role, { status: 'unsupported', message: why }, 0, {
    events: [],
    notes: [why],
  })
}

/**
 * A case the run did not run to a verdict of the target's (the target went
 * down and the run stopped): an `error`, never counted for or against it.
 */
export function notRun(c: ConformanceCase, role: Role, message: string): CaseResult {
  return resultOf(c, role, { status: 'error', message }, 0, { events: [], notes: [] })
}

/**
 * Whether a case failed only because its own deadline was spent: a connection
 * it opened with nothing left of the deadline ("within 0 ms") is the case
 * running out of time against a slow target, a timeout, not a harness error.
 */
function ranOutOfTime(error: unknown, deadline: Deadline): error is Error {
  return (
    isHarnessError(error, 'HARNESS_TARGET_UNREACHABLE') &&
    /no connection to .* within \d+ ms$/.test(error.message) &&
    deadline.remainingMs() === 0
  )
}

/**
 * Applicability, deadline, run, grade, evidence, dispose. A case that returns
 * an Outcome or ends itself with endCase(outcome) is graded on it; a case that
 * throws anything else is an `error` (our fault); a case that outlives its deadline is a `timeout`, and
 * its sockets are torn down so it cannot hold the run. `token` names the
 * case's requests at the origin (runSuites passes it to attribute strays).
 */
export async function runCase(
  c: ConformanceCase,
  target: TargetEndpoint,
  env: RunEnvironment,
  token: string = env.tokens.next(),
): Promise<CaseResult> {
  if (!appliesTo(c, target.role)) return notApplicable(c, target.role)
  if (c.needs?.includes('proxy-auth') === true && target.proxyAuth === undefined)
    return notApplicable(
      c,
      target.role,
      'needs a target that requires proxy credentials; declare them with --proxy-auth USER:PASS',
    )
  if (c.needs?.includes('next-hop') === true && target.noNextHop !== undefined)
    return notApplicable(c, target.role, `needs the harness next hop: ${target.noNextHop}`)
  if (c.ftpMode !== undefined && env.ftp !== undefined && env.ftp.mode !== c.ftpMode)
    return notApplicable(
      c,
      target.role,
      `a row about the ${c.ftpMode} mapping (FG/${c.ftpMode === 'forward' ? 'f' : 'r'}): run with --ftp-mode ${c.ftpMode}`,
    )
  if (c.front === 'h2' && target.noH2 !== undefined)
    return unsupportedFront(c, target.role, target.noH2)
  const h2Upstream = c.upstream === 'h2' ? target.h2Upstream : undefined
  if (c.upstream === 'h2' && (h2Upstream === undefined || env.h2Origin === undefined))
    return notApplicable(
      c,
      target.role,
      `no h2 upstream configured: ${target.label} has no endpoint whose upstream is the run's h2 origin in the ${target.role} role`,
    )
  const balancing = balancingPlan(c, target, env)
  if (typeof balancing === 'string') return notApplicable(c, target.role, balancing)
  const timeoutMs = c.timeoutMs ?? env.timeoutMs
  const recorder = new TranscriptRecorder()
  const scope = new Scope()
  const notes: string[] = []
  const startedAt = performance.now()
  runningSince(env).add(startedAt)
  // What the case charts is kept whichever way it ends (returned, thrown, timed out).
  const charts = caseReportRecorder(startedAt)
  let deadline: Deadline | undefined
  let verdict: Verdict
  let started: BalancingSetup | undefined
  let ftp: CaseFtp | undefined
  try {
    // A load-balancing case's own backends and target instance, started before its deadline runs.
    started = balancing === undefined ? undefined : await startBalancing(balancing, scope, env)
    // An ftp-gateway case's FTP origin (its own, or the run's once it is this case's turn) and X,
    // also before the deadline runs: waiting for the run's origin is not the target's time.
    if (target.role === 'ftp-gateway') {
      if (env.ftp === undefined)
        throw new HarnessError(
          'HARNESS_INTERNAL',
          'an ftp-gateway case in a run without an FTP origin',
        )
      ftp = await startCaseFtp(env.ftp, scope, recorder)
    }
    deadline = new Deadline(timeoutMs, env.signal)
    const ctx = createCaseContext({
      env,
      // An upstream-'h2' case talks to the target's twin whose upstream is the run's h2 origin.
      target:
        started !== undefined
          ? { ...target, ...started.at }
          : h2Upstream !== undefined
            ? { ...target, host: h2Upstream.host, port: h2Upstream.port }
            : target,
      ...(h2Upstream === undefined ? {} : { h2Origin: true }),
      token,
      recorder,
      scope,
      deadline,
      notes,
      report: charts.report,
      ...(ftp === undefined ? {} : { ftp }),
      ...(started === undefined
        ? {}
        : { balancing: { backends: started.backends, profile: started.profile } }),
    })
    // The grace lets a case that races its own waits report first; the hard stop is ours.
    // outcomeOf: a case that ended itself (endCase), even before its first
    // await, is graded as if it had returned the outcome.
    const outcome = await raceTimeout(
      `case ${c.id} to finish`,
      outcomeOf((async () => c.run(ctx))()),
      timeoutMs + 250,
    )
    // A TimeoutValue has the shape of a timeout Outcome, so both grade alike.
    verdict = grade(c.level, outcome)
  } catch (error) {
    verdict =
      deadline !== undefined && ranOutOfTime(error, deadline)
        ? grade(c.level, timedOut(`a connection to the target (${error.message})`, timeoutMs))
        : {
            status: 'error',
            message: error instanceof Error ? error.message : String(error),
            error: serializeError(error),
          }
  } finally {
    deadline?.dispose()
    // Before the scope stops the instance: an end seen until now is a crash.
    verdict = await crashVerdict(started, verdict!)
    await scope.close()
  }
  if (started !== undefined) notes.push(...backendNotes(started))
  const durationMs = performance.now() - startedAt
  const originConns = env.origin.requests(token).map((request) => request.conn)
  const events = toWireEvents(
    boundEvidence([
      ...recorder.events(),
      ...env.origin.transcript.eventsFor(originConns).filter((e) => e.at >= startedAt),
    ]),
    startedAt,
  )
  env.origin.forget(token)
  forgetOldOriginConnections(env, startedAt)
  if (h2Upstream !== undefined && env.h2Origin !== undefined) {
    const frames = env.h2Origin.transcriptFor(token)
    if (frames !== '') notes.push(frames)
    env.h2Origin.forget(token)
  }
  const result = resultOf(c, target.role, verdict, durationMs, { events, notes })
  const balance = charts.evidence()
  return balance === undefined ? result : { ...result, balance }
}
