/**
 * A declared balancer profile (--lb-profile FILE, or `balancerProfile` in
 * proxyspec.config.json) checked field by field: the first problem is thrown
 * as one line naming the field, so a typo never silently changes a verdict.
 */
import { HarnessError } from '../../net/errors.js'
import type { BalancerPolicy, BalancerProfile } from './balancer-profile.js'

const POLICIES: readonly BalancerPolicy[] = [
  'round-robin',
  'weighted',
  'least-conn',
  'hash',
  'random',
  'random-two',
  'first',
]

type Check = (value: unknown, at: string) => string | undefined

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const integer =
  (min: number): Check =>
  (value, at) =>
    Number.isInteger(value) && (value as number) >= min
      ? undefined
      : `${at} must be an integer ≥ ${min}`
const number =
  (min: number): Check =>
  (value, at) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min
      ? undefined
      : `${at} must be a number ≥ ${min}`
const oneOf =
  (values: readonly string[]): Check =>
  (value, at) =>
    typeof value === 'string' && values.includes(value)
      ? undefined
      : `${at} must be one of ${values.join(', ')}`
const boolean: Check = (value, at) =>
  typeof value === 'boolean' ? undefined : `${at} must be true or false`
const text: Check = (value, at) =>
  typeof value === 'string' && value !== '' ? undefined : `${at} must be a non-empty string`
const path: Check = (value, at) =>
  typeof value === 'string' && value.startsWith('/') ? undefined : `${at} must start with '/'`
const integers: Check = (value, at) =>
  Array.isArray(value) && value.every((w) => Number.isInteger(w) && (w as number) >= 0)
    ? undefined
    : `${at} must be an array of integers ≥ 0`

/** An object whose keys are all known, each checked; `required` must be present. */
function object(fields: Readonly<Record<string, Check>>, required: readonly string[] = []): Check {
  return (value, at) => {
    const within = (key: string): string => (at === '' ? key : `${at}.${key}`)
    if (!isObject(value)) return `${at === '' ? 'it' : at} must be an object`
    for (const key of required) {
      if (!(key in value)) return `${within(key)} is required`
    }
    for (const [key, field] of Object.entries(value)) {
      const check = fields[key]
      if (check === undefined)
        return `unknown key "${within(key)}" (known: ${Object.keys(fields).join(', ')})`
      const problem = check(field, within(key))
      if (problem !== undefined) return problem
    }
    return undefined
  }
}

const PROFILE = object(
  {
    $schema: text,
    policy: oneOf(POLICIES),
    weights: integers,
    hash: object({ key: text, consistent: boolean }, ['key']),
    workers: integer(1),
    granularity: oneOf(['request', 'connection']),
    retries: object({ idempotent: integer(0), redispatch: boolean, on_stale_keepalive: boolean }),
    passive: object(
      {
        max_fails: integer(1),
        fail_timeout_s: number(0),
        window: oneOf(['quiet-period', 'sliding']),
        probe_requests: integer(0),
      },
      ['max_fails', 'fail_timeout_s'],
    ),
    active: object(
      {
        method: text,
        path,
        host: text,
        version: oneOf(['HTTP/1.1', 'HTTP/1.0']),
        interval_ms: integer(1),
        timeout_ms: integer(1),
        fall: integer(1),
        rise: integer(1),
        jitter: number(0),
        initial_state: oneOf(['up', 'down']),
      },
      ['path', 'interval_ms', 'timeout_ms', 'fall', 'rise'],
    ),
    backup: object(
      { origins: integer(0), mode: oneOf(['first', 'all']), saturation_counts_as_down: boolean },
      ['origins'],
    ),
    all_unhealthy: oneOf(['fail-closed', 'fail-open']),
    panic_threshold_pct: number(0),
    sticky: object(
      {
        cookie: text,
        mode: oneOf(['insert', 'prefix', 'rewrite']),
        indirect: boolean,
        nofailover: boolean,
      },
      ['cookie'],
    ),
    slow_start_s: number(0),
    max_conns_per_backend: integer(1),
    queue: object({ size: integer(0), timeout_ms: integer(0) }, ['size', 'timeout_ms']),
    timeouts: object({ connect_ms: integer(1), response_ms: integer(1) }),
    failover: object({ client_errors_allowed: integer(0) }),
    on_marked_down: oneOf(['finish-in-flight', 'shutdown-sessions']),
  },
  ['policy'],
)

/**
 * `value` as a BalancerProfile, or HarnessError HARNESS_BAD_INPUT with one
 * line: `balancer profile lb.json: active.fall must be an integer ≥ 1`.
 */
export function checkBalancerProfile(value: unknown, source: string): BalancerProfile {
  const problem = PROFILE(value, '')
  if (problem !== undefined) {
    throw new HarnessError('HARNESS_BAD_INPUT', `balancer profile ${source}: ${problem}`)
  }
  const profile = { ...(value as Record<string, unknown>) }
  delete profile.$schema
  return profile as unknown as BalancerProfile
}
