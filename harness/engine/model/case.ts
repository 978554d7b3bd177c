import type { CaseContext } from './case-context.js'
import type { Level } from './level.js'
import type { Outcome } from './outcome.js'
import type { StartedBackends } from '../../backends/types.js'
import type { BalancerProfile } from './balancer-profile.js'
import type { Front } from './front.js'
import { rolesBehind, type FtpMode, type Role } from './roles.js'
import type { SpecRef } from './spec-ref.js'

/**
 * A conformance case: data plus one function (DESIGN.md, "A case").
 * The id never changes once published: baselines, diffs and CI history key on it.
 */
export interface ConformanceCase {
  /** "<suite>/<behaviour-in-kebab>", stable forever. */
  readonly id: string
  readonly suite: string
  /** The expected behaviour, one sentence. */
  readonly title: string
  /** Catalog ids this case proves (docs/requirements.md), e.g. ['CONNECT-03']. */
  readonly requirements: readonly string[]
  readonly spec: readonly [SpecRef, ...SpecRef[]]
  /** One-line paraphrase of the rule. */
  readonly requirement: string
  readonly level: Level
  /**
   * The roles the case is written for. A `reverse` case also runs as a
   * tls-terminator, through a TLS client (effectiveRoles), unless it sets
   * `cleartextOnly`.
   */
  readonly roles: readonly [Role, ...Role[]]
  /**
   * What the run must give the target beyond the role, else the case is not
   * applicable: 'next-hop' = its CONNECTs go on to the harness next hop
   * ({next_hop}), which a peer profile that connects itself does not;
   * 'proxy-auth' = a target that requires proxy credentials (ctx.proxyAuth:
   * --proxy-auth, or the reference's auth twin).
   */
  readonly needs?: readonly CaseNeed[]
  /**
   * Why this reverse case cannot run behind a TLS terminator (it needs
   * something only cleartext HTTP to the target can show); set, the case does
   * not apply to tls-terminator.
   */
  readonly cleartextOnly?: string
  /**
   * A load-balancing case (role 'balancer' only): the runner starts, for this
   * case alone, `primaries` (+ `backups`) fresh backends (ctx.backends) and a
   * fresh target instance balancing over them under the profile in force
   * (ctx.profile), and stops both when the case ends.
   */
  readonly balancer?: BalancingNeeds
  /** Overrides the run's per-case deadline. */
  readonly timeoutMs?: number
  /**
   * Why the case must have the target to itself (it measures the target's
   * speed, which another case's load would change): no other case on a
   * shared target runs while it does.
   */
  readonly alone?: string
  /**
   * In the ftp-gateway role: the mapping the case's row is about (catalog
   * FG/f forward, FG/r reverse). In a run of the other --ftp-mode the case is
   * not applicable, with that reason.
   */
  readonly ftpMode?: FtpMode
  /**
   * The protocol the case speaks to the target (front.ts). An 'h2' case opens
   * its connections with ctx.h2(); it is left out of a run whose fronts lack
   * h2, and unsupported when the target turns out not to speak it.
   * @default 'h1'
   */
  readonly front?: Front
  /**
   * The protocol the target speaks to its upstream in this case: 'h2' cases
   * go to the target's h2-upstream endpoint (TargetEndpoint.h2Upstream),
   * whose upstream is the run's raw h2 origin (ctx.h2Origin); not applicable
   * where the target has none. @default 'h1'
   */
  readonly upstream?: 'h1' | 'h2'
  /** Former ids, so baselines survive a rename. */
  readonly aliases?: readonly string[]
  readonly run: (ctx: CaseContext) => Promise<Outcome>
}

export type CaseNeed = 'next-hop' | 'proxy-auth'

/** What a load-balancing case needs started for it (ConformanceCase.balancer). */
export interface BalancingNeeds {
  readonly primaries: number
  /** @default 0 */
  readonly backups?: number
  /**
   * The profile the reference (builtin:reference and its pipeline variants) runs
   * the case with. Any other target runs it under the run's declared profile
   * (--lb-profile), the one it was configured with.
   */
  readonly profile: BalancerProfile
  /**
   * Why the case is not applicable under the run's declared profile (e.g. "the
   * profile declares no active checks"), or undefined when it is.
   */
  readonly needs?: (declared: BalancerProfile) => string | undefined
  /**
   * What the backends do before the target instance starts, so its very first
   * health checks see it (e.g. a health path that fails from the start, LB-11).
   */
  readonly prepare?: (backends: StartedBackends) => void
}

/** What applicability needs of a case: a ConformanceCase fits. */
export interface RoleDeclaration {
  readonly roles: readonly Role[]
  readonly cleartextOnly?: string
  /** An h2-upstream case needs a twin with the run's h2 origin behind it, which no balancer has. */
  readonly upstream?: 'h1' | 'h2'
}

/**
 * Every role a case runs in: the roles it declares, plus tls-terminator for a
 * `reverse` case (a TLS terminator is a reverse proxy behind TLS) unless the
 * case is `cleartextOnly`, and balancer for a `reverse` case (a load balancer
 * is a reverse proxy; it runs the case with one backend), except for an h2-upstream case (no balancer has the run's h2 origin behind it). The one place applicability is decided: selection,
 * `proxyspec list`, coverage, the kill matrix and the vitest adapter use it.
 */
export function effectiveRoles(c: RoleDeclaration): readonly Role[] {
  const roles = new Set<Role>()
  for (const role of c.roles) {
    for (const r of rolesBehind(role)) {
      if (r === role || c.cleartextOnly === undefined) roles.add(r)
    }
    if (role === 'reverse' && c.upstream !== 'h2') roles.add('balancer')
  }
  return [...roles]
}

/** Whether a case runs in `role` (effectiveRoles). */
export function appliesTo(c: RoleDeclaration, role: Role): boolean {
  return effectiveRoles(c).includes(role)
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/**
 * A case as its file declares it: everything but the suite, which its suite
 * stamps (defineSuite). `id` is the slug, "<behaviour-in-kebab>"; the
 * published id is "<suite>/<slug>".
 */
export type CaseDefinition = Omit<ConformanceCase, 'id' | 'suite'> & {
  /** The case's slug within its suite; defineSuite makes it "<suite>/<slug>". */
  readonly id: string
}

/** Identity with checks: a malformed slug is a programmer error caught when suites load. */
export function defineCase(c: CaseDefinition): CaseDefinition {
  if (!SLUG.test(c.id)) throw new TypeError(`[proxyspec] invalid case slug "${c.id}"`)
  if (c.requirements.length === 0) {
    throw new TypeError(`[proxyspec] case "${c.id}" cites no catalog requirement`)
  }
  if (c.cleartextOnly !== undefined && (c.cleartextOnly === '' || !c.roles.includes('reverse'))) {
    throw new TypeError(
      `[proxyspec] case "${c.id}": cleartextOnly needs a reason and the reverse role it limits`,
    )
  }
  if (c.balancer !== undefined) {
    const { primaries, backups = 0 } = c.balancer
    if (c.roles.length !== 1 || c.roles[0] !== 'balancer') {
      throw new TypeError(
        `[proxyspec] case "${c.id}": a balancing case plays the balancer role only`,
      )
    }
    if (
      !Number.isInteger(primaries) ||
      primaries < 1 ||
      !Number.isInteger(backups) ||
      backups < 0
    ) {
      throw new TypeError(`[proxyspec] case "${c.id}": ${primaries} primaries, ${backups} backups`)
    }
  }
  return c
}

/** `c` stamped into `suite`: id "<suite>/<slug>" (what defineSuite does to each case). */
export function inSuite(suite: string, c: CaseDefinition): ConformanceCase {
  if (!SLUG.test(suite)) throw new TypeError(`[proxyspec] invalid suite id "${suite}"`)
  return { ...defineCase(c), id: `${suite}/${c.id}`, suite }
}

export interface Suite {
  readonly id: string
  readonly title: string
  readonly cases: readonly ConformanceCase[]
}

/** What a suite file declares: its id, title, and its case files' cases (one spread per file). */
export interface SuiteDefinition {
  readonly id: string
  readonly title: string
  readonly cases: readonly CaseDefinition[]
}

/** Stamps every case with the suite (inSuite) and refuses duplicate ids. */
export function defineSuite(s: SuiteDefinition): Suite {
  const cases = s.cases.map((c) => inSuite(s.id, c))
  const seen = new Set<string>()
  for (const c of cases) {
    if (seen.has(c.id)) throw new TypeError(`[proxyspec] duplicate case id "${c.id}"`)
    seen.add(c.id)
  }
  return { id: s.id, title: s.title, cases }
}
