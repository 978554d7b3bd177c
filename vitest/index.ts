// proxyspec/vitest: register proxyspec cases as vitest tests in your own suite.
// Each test fails with the case's expected-versus-observed and its evidence.
import { afterAll, beforeAll, describe, it } from 'vitest'
import { appliesTo, type ConformanceCase } from '../harness/engine/model/case.js'
import type { CaseResult } from '../harness/engine/model/run-result.js'
import type { BalancerProfile } from '../harness/engine/model/balancer-profile.js'
import type { Role } from '../harness/engine/model/roles.js'
import { isBlocking } from '../harness/engine/model/verdict.js'
import { Scope } from '../harness/net/started.js'
import {
  DEFAULT_CASE_TIMEOUT_MS,
  type RunEnvironment,
  type TargetEndpoint,
} from '../harness/engine/environment/environment.js'
import { runCase } from '../harness/engine/runner/run-case.js'
import { selectCases } from '../harness/engine/runner/select.js'
import { startRunEnvironment } from '../harness/engine/environment/start-environment.js'
import { startTarget } from '../harness/engine/target/start-target.js'
import { parseTarget, type TargetSpec } from '../harness/engine/target/target-spec.js'
import { allCases } from '../suites/index.js'
import { formatEvidence } from './format-evidence.js'

export interface ProxyspecTestsOptions {
  /** "builtin:reference", "http://127.0.0.1:3128", or { spawn: "cmd {port} {origin}" }. */
  readonly target: string | { readonly spawn: string }
  readonly role: Role
  /** Suite ids or globs; adds up with `cases` (as `run --suite`). @default all */
  readonly suites?: readonly string[]
  /** Case ids, requirement ids or globs; adds up with `suites`. @default all */
  readonly cases?: readonly string[]
  /** Case ids, requirement ids or globs taken out of the selection (as `run --exclude`). */
  readonly exclude?: readonly string[]
  /** Per-case deadline. @default 3000 */
  readonly timeoutMs?: number
  /** SHOULD violations fail the test too. @default false */
  readonly strict?: boolean
  /** Fix the origin port (for a reverse proxy configured ahead). */
  readonly originPort?: number
  /**
   * The balancer profile the target is configured with (as `run --lb-profile`),
   * for the balancing cases in the balancer role.
   */
  readonly balancerProfile?: BalancerProfile
  /** The catalog to draw from. @default every built-in case */
  readonly catalog?: readonly ConformanceCase[]
}

/** The message a failing test throws: the verdict, then what was on the wire. */
export function failureMessage(result: CaseResult): string {
  return [
    `${result.id} [${result.role}] ${result.level} ${result.requirements.join(', ')}: ${result.verdict.status}`,
    result.verdict.message,
    ...result.spec.map((s) => `spec: ${s.url}`),
    formatEvidence(result.evidence),
  ].join('\n')
}

/**
 * Registers one vitest test per selected case, inside a describe block that
 * starts the origin and the target before the tests and stops them after.
 *
 * @example
 * defineProxyspecTests({ target: { spawn: 'node proxy.js --port {port}' }, role: 'forward', suites: ['connect'] })
 */
export function defineProxyspecTests(options: ProxyspecTestsOptions): void {
  const cases = selectCases(options.catalog ?? allCases(), {
    suites: options.suites ?? [],
    cases: options.cases ?? [],
    exclude: options.exclude ?? [],
  })
  const label =
    typeof options.target === 'string' ? options.target : `spawn: ${options.target.spawn}`
  describe(`proxyspec: ${label} as ${options.role}`, () => {
    const scope = new Scope()
    let env: RunEnvironment | undefined
    let endpoint: TargetEndpoint | undefined
    beforeAll(async () => {
      const shared = await startRunEnvironment(scope, {
        tcpPerKind: 1,
        ...(options.originPort === undefined ? {} : { originPort: options.originPort }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.balancerProfile === undefined
          ? {}
          : { balancerProfile: options.balancerProfile }),
        // The raw h2 origin only when a selected case talks h2 to the upstream.
        ...(cases.some((c) => c.upstream === 'h2') ? { h2Origin: true } : {}),
      })
      env = shared
      const spec: TargetSpec =
        typeof options.target === 'string'
          ? parseTarget(options.target)
          : { kind: 'spawn', command: options.target.spawn, label }
      const started = await startTarget(spec, options.role, shared)
      endpoint = scope.use(started).endpoint
    })
    afterAll(async () => {
      await scope.close()
    })
    for (const c of cases) {
      const applies = appliesTo(c, options.role)
      it.skipIf(!applies)(
        `${c.id} (${c.requirements.join(', ')}): ${c.title}`,
        async () => {
          if (env === undefined || endpoint === undefined)
            throw new Error('[proxyspec] the target did not start')
          const result = await runCase(c, endpoint, env)
          const status = result.verdict.status
          if (status === 'error' || isBlocking(result.level, status, options.strict ?? false)) {
            throw new Error(failureMessage(result))
          }
        },
        (c.timeoutMs ?? options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS) + 5000,
      )
    }
  })
}
