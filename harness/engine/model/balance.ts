// What a load-balancing case shows besides its bytes (catalog §12.3): how
// requests spread over the backends against what the profile predicts, and
// which backend answered each request around a fault. The report draws both
// (reports/html-balance.ts); a case records them with ctx.report.

/** The statistical test a distribution was judged by (harness/stats). */
export interface BalanceTest {
  readonly name: 'chi-square' | 'exact-multinomial' | 'round-robin' | 'weighted-windows' | 'band'
  readonly statistic?: number
  /** Degrees of freedom (chi-square). */
  readonly df?: number
  readonly pValue?: number
  /** One line on what was checked, e.g. "period 3, 2 windows off". */
  readonly detail?: string
}

/** One backend's share of a distribution: counts, not ratios (shares derive from the totals). */
export interface BalanceShare {
  readonly name: string
  /** Requests this backend answered. */
  readonly observed: number
  /** Requests the profile predicts for it (a count, may be fractional). */
  readonly expected: number
}

/** Observed against expected requests per backend, with the test that judged them. */
export interface BalanceDistribution {
  readonly title: string
  readonly backends: readonly BalanceShare[]
  readonly test?: BalanceTest
}

/** A fault the case caused, at a moment, on a backend. */
export interface BalanceFault {
  /** Milliseconds since the case started. */
  readonly at: number
  readonly backend: string
  /** "refuses connections", "health check fails", "killed". */
  readonly what: string
}

/** How a request of a timeline ended, as the case judged it. */
export type BalanceRequestOutcome = 'ok' | 'error' | 'duplicate' | 'mixed-up' | 'cut'

export interface BalanceRequest {
  /** Milliseconds since the case started (when it was sent). */
  readonly at: number
  readonly id: string
  /** The backend that answered (absent: none did). */
  readonly backend?: string
  /** The status the client received. */
  readonly status?: number
  readonly outcome: BalanceRequestOutcome
}

/** Which backend answered each request over time, with the faults marked. */
export interface BalanceTimeline {
  readonly title: string
  /** The lanes, in order. */
  readonly backends: readonly string[]
  readonly faults: readonly BalanceFault[]
  readonly requests: readonly BalanceRequest[]
}

/** A case's balance evidence (CaseResult.balance); absent when it recorded none. */
export interface BalanceEvidence {
  readonly distributions?: readonly BalanceDistribution[]
  readonly timelines?: readonly BalanceTimeline[]
}
