import type { Front } from './front.js'
import type { BalancerProfile } from './balancer-profile.js'
import type { BalanceEvidence } from './balance.js'
import type { Evidence } from './evidence.js'
import type { Level } from './level.js'
import type { Role } from './roles.js'
import type { Status, Verdict } from './verdict.js'

/** Bumped on any incompatible change of the report shape. */
export const SCHEMA_VERSION = 1

export interface SpecLink {
  readonly rfc: number
  readonly section: string
  readonly url: string
}

export interface CaseResult {
  readonly id: string
  readonly suite: string
  readonly title: string
  /** The role the case ran in. */
  readonly role: Role
  readonly level: Level
  readonly requirements: readonly string[]
  readonly requirement: string
  readonly spec: readonly SpecLink[]
  readonly verdict: Verdict
  readonly durationMs: number
  readonly evidence: Evidence
  /** Set by applyExpectations (reports/expectations.ts) when an expectations file names this case. */
  readonly declared?: DeclaredDeviation
  /** Set by mergeRepeats (reports/repeat.ts) when `--repeat N` saw this case end with different verdicts. */
  readonly flaky?: FlakyMark
  /** What a load-balancing case recorded with ctx.report: distributions and failover timelines. */
  readonly balance?: BalanceEvidence
}

/**
 * A case whose verdict varied over the repeats of one run. The result shown is
 * the first failing attempt (a failure seen once is a finding), and `statuses`
 * lists every attempt's status in order.
 */
export interface FlakyMark {
  readonly statuses: readonly Status[]
}

/**
 * A known deviation the user declared for a case. The verdict keeps its status;
 * the declaration only decides whether that status counts against the target.
 */
export interface DeclaredDeviation {
  readonly reason: string
  /** "YYYY-MM-DD": the declaration holds through that day (UTC). */
  readonly expires?: string
  /** The verdict status when the declaration was applied. */
  readonly originalStatus: Status
  /** The case passed although declared: the deviation is gone and the entry can go. */
  readonly unexpectedPass?: true
  /** The expiry date has passed: the declaration no longer excuses the verdict. */
  readonly expired?: true
}

export interface TargetSummary {
  /** What the user named: "builtin:reference", "http://127.0.0.1:3128", "spawn: …". */
  readonly label: string
  readonly kind: 'builtin' | 'url' | 'spawn' | 'peer'
  readonly roles: readonly Role[]
  /** Standard error of a spawned target, kept for the report (bounded). */
  readonly stderr?: string
  /** Each time the target went down during the run (absent: it never did). */
  readonly crashes?: readonly TargetCrash[]
  /** The balancer profile the contract rows were judged against (--lb-profile, or a peer's own). */
  readonly balancerProfile?: BalancerProfile
}

/**
 * The target went down while cases ran: its process exited, or it refused
 * connections on the port where it had accepted them. The cases it took down
 * are graded `error` (not the target's verdict); with --restart-on-crash they
 * run again one at a time after a restart, and one that takes it down again
 * alone is graded `fail` (see harness/engine/runner/supervise.ts).
 */
export interface TargetCrash {
  readonly role: Role
  /** When the harness noticed (ISO 8601). */
  readonly at: string
  /** "exited with code 1", "was killed by SIGSEGV", "stopped accepting connections (connection refused)". */
  readonly how: string
  /** The cases running on it then, as "id [role]". */
  readonly running: readonly string[]
  /** It went down while re-running one case alone after a restart: that case crashed it. */
  readonly alone: boolean
  /** The last lines of its stderr at that moment. */
  readonly stderrTail: string
  /** What the run did next. */
  readonly action: 'restarted' | 'stopped'
  /** Why it stopped although a restart was asked for, when it did. */
  readonly note?: string
}

/**
 * Something the harness origin received that no case token names: a request
 * without a token, or bytes it could not parse. When the same origin
 * connection carried a case's request before, that case is named: through a
 * pooled upstream connection its bytes are the likely cause (a desync),
 * whichever case was running when they arrived, and its evidence lists it too.
 */
export interface UnattributedOriginEvent {
  readonly kind: 'request' | 'parse-error'
  /** Origin connection id ("o7"). */
  readonly conn: string
  /** Milliseconds since the run's cases started. */
  readonly t: number
  /** The request line as the origin received it, or the origin parser's error. */
  readonly detail: string
  /** The case whose request this origin connection carried last before it. */
  readonly case?: { readonly id: string; readonly role: Role }
}

/** Unattributed origin events a report keeps; the total still counts every one. */
export const MAX_UNATTRIBUTED_EVENTS = 200

/** Run-wide origin traffic that no case token names (absent when there was none). */
export interface UnattributedOrigin {
  /** How many were seen; `events` keeps the first ones (bounded). */
  readonly total: number
  readonly events: readonly UnattributedOriginEvent[]
}

/** A (case, role) unit of a run, as a shard records the whole run's. */
export interface ShardUnit {
  readonly id: string
  readonly role: Role
}

/**
 * What a shard's report says of the run it is part of: which share it is,
 * and every unit of the whole run in the canonical order (the unsharded
 * run's result order), so `proxyspec merge` can check that the shards are
 * of one run, disjoint and complete, and put the results back in order.
 */
export interface ShardInfo {
  /** 1-based: `--shard 2/4` is index 2 of count 4. */
  readonly index: number
  readonly count: number
  readonly units: readonly ShardUnit[]
}

export interface RunSummary {
  readonly total: number
  readonly byStatus: Readonly<Record<Status, number>>
  /** Verdicts that count against the target (MUST fail/timeout; SHOULD too with --strict). */
  readonly blocking: number
  readonly exitCode: 0 | 1 | 2
}

export interface RunResult {
  readonly schemaVersion: typeof SCHEMA_VERSION
  readonly tool: { readonly name: 'proxyspec'; readonly version: string }
  readonly run: {
    readonly id: string
    readonly startedAt: string
    readonly finishedAt: string
    readonly durationMs: number
    readonly node: string
    readonly platform: string
    readonly options: {
      readonly suites: readonly string[]
      readonly cases: readonly string[]
      /** `--exclude`: taken out of what suites and cases chose (absent: nothing excluded). */
      readonly exclude?: readonly string[]
      /** `--host`: the Host sent to the gateway roles (absent: the upstream's host:port). */
      readonly host?: string
      readonly timeoutMs: number
      readonly concurrency: number
      readonly strict: boolean
      /** `--repeat N`: each case ran N times (absent: once). */
      readonly repeat?: number
      /** `--restart-on-crash`: a target that went down was started again (absent: the run stopped). */
      readonly restartOnCrash?: boolean
      /** The protocols spoken to the target (--front, else what it declares; absent in older reports: h1). */
      readonly fronts?: readonly Front[]
      /** `--shard i/n`: this report is one share of a run (absent: the whole run, or shards merged). */
      readonly shard?: ShardInfo
    }
  }
  readonly target: TargetSummary
  readonly summary: RunSummary
  readonly results: readonly CaseResult[]
  /** Origin traffic no case token names, and origin parse errors; absent when there was none. */
  readonly unattributedOrigin?: UnattributedOrigin
}
