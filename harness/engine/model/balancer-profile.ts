/**
 * What a load balancer declares about itself (docs/requirements.md §12.2.3):
 * the contract rows (LB-xx, level Contract) are judged against it, and a row
 * whose feature the profile leaves out is not applicable. Field names follow
 * the catalog's JSON, so a profile file is that JSON as it stands.
 */

/** How a request picks its backend. */
export type BalancerPolicy =
  'round-robin' | 'weighted' | 'least-conn' | 'hash' | 'random' | 'random-two' | 'first'

export interface BalancerProfile {
  readonly policy: BalancerPolicy
  /** Aligned with the primaries ({origins}); 0 = never used. @default all 1 */
  readonly weights?: readonly number[]
  readonly hash?: {
    /** 'uri', 'header:<name>', 'cookie:<name>' or 'source-ip'. */
    readonly key: string
    readonly consistent?: boolean
  }
  /** Processes or threads whose selection state is not shared. @default 1 */
  readonly workers?: number
  /** L7 per request, or L4 per connection. @default 'request' */
  readonly granularity?: 'request' | 'connection'
  readonly retries?: {
    /** Automatic retries of an idempotent request whose bytes were sent. */
    readonly idempotent?: number
    /** A retry goes to another backend. */
    readonly redispatch?: boolean
    /** A request on a keep-alive upstream connection the backend closed is sent again. */
    readonly on_stale_keepalive?: boolean
  }
  /** Passive checks: failures of client traffic take a backend out. */
  readonly passive?: {
    readonly max_fails: number
    readonly fail_timeout_s: number
    readonly window?: 'quiet-period' | 'sliding'
    readonly probe_requests?: number
  }
  /** Active checks: the balancer's own requests to each backend's health path. */
  readonly active?: {
    readonly method?: string
    readonly path: string
    readonly host?: string
    readonly version?: 'HTTP/1.1' | 'HTTP/1.0'
    readonly interval_ms: number
    readonly timeout_ms: number
    readonly fall: number
    readonly rise: number
    readonly jitter?: number
    /** Before its first check a backend is usable ('up') or not ('down'). */
    readonly initial_state?: 'up' | 'down'
  }
  readonly backup?: {
    readonly origins: number
    /** 'first': only the first usable backup; 'all': every backup. */
    readonly mode?: 'first' | 'all'
    readonly saturation_counts_as_down?: boolean
  }
  /** Every backend unhealthy: a 5xx at once, or traffic spread over all anyway. */
  readonly all_unhealthy?: 'fail-closed' | 'fail-open'
  readonly panic_threshold_pct?: number
  readonly sticky?: {
    readonly cookie: string
    readonly mode?: 'insert' | 'prefix' | 'rewrite'
    readonly indirect?: boolean
    readonly nofailover?: boolean
  }
  readonly slow_start_s?: number
  readonly max_conns_per_backend?: number
  readonly queue?: { readonly size: number; readonly timeout_ms: number }
  readonly timeouts?: { readonly connect_ms?: number; readonly response_ms?: number }
  readonly failover?: { readonly client_errors_allowed?: number }
  readonly on_marked_down?: 'finish-in-flight' | 'shutdown-sessions'
}
