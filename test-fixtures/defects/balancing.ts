// Seeded defects the balancing suite must catch: the reference balancer (the
// reference proxy in reverse mode with N upstreams, harness/reference/proxy
// balancer-server.ts) with one bug, a step of the balance stage replaced
// (harness/reference/balancer/steps.ts). Started like builtin:reference in the
// balancer role: a fresh instance per load-balancing case, in front of that
// case's own backends (harness/engine/target/balancer-target.ts). Only the
// entries whose cases exist are in allDefects (balancingDefects); the others
// wait for their cases (pendingBalancingDefects).
import {
  referencePerCase,
  runWideReferenceProfile,
  startBalancerTarget,
} from '../../harness/engine/target/balancer-target.js'
import { hash32 } from '../../harness/reference/balancer/hash.js'
import { hashKey } from '../../harness/reference/balancer/policy.js'
import { seededRandom } from '../../harness/stats/index.js'
import { touchBackend } from './parts/touches-backend.js'
import { defectEntry, type ProxyDefectEntry } from './reference-with.js'
import type { SeededDefect } from './types.js'

/** A seeded defect of the reference balancer, in the balancer role. */
function balancerDefect(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
): ProxyDefectEntry {
  return defectEntry({ name, description, killedBy, roles: ['balancer'] }, (steps, _role, env) =>
    startBalancerTarget(
      `defect:${name}`,
      env,
      referencePerCase(steps),
      runWideReferenceProfile(env.balancerProfile),
    ),
  )
}

/** Persistence cookies (LB-21, LB-22): the sticky steps of the balance stage replaced. */
const stickyDefects: readonly SeededDefect[] = [
  balancerDefect(
    'folds-sticky-set-cookie',
    "Appends its persistence cookie to the origin's first Set-Cookie line with a comma, as a header map that joins repeated fields would (RFC 6265 §3)",
    ['balancing/sticky-cookie-own-field-line'],
  ).replacing(() => ({
    withStickyCookie: (fields, setCookie) => {
      const at = fields.findIndex((f) => f.name.toLowerCase() === 'set-cookie')
      if (at < 0)
        return [
          ...fields,
          {
            name: 'Set-Cookie',
            value: setCookie,
            raw: Buffer.from(`Set-Cookie: ${setCookie}`, 'latin1'),
          },
        ]
      const first = fields[at]!
      const value = `${first.value}, ${setCookie}`
      const joined = {
        name: first.name,
        value,
        raw: Buffer.from(`${first.name}: ${value}`, 'latin1'),
      }
      return fields.map((f, i) => (i === at ? joined : f))
    },
  })),
  balancerDefect(
    'ignores-sticky-cookie',
    'Sets the persistence cookie but never reads it back: every request goes where the policy sends it (traefik #3975-like: pins nothing)',
    ['balancing/sticky-cookie-pins-backend', 'balancing/sticky-cookie-dead-backend-repins'],
  ).replacing(() => ({
    stickyBackend: () => undefined,
  })),
  balancerDefect(
    'forwards-sticky-cookie-indirect',
    'Leaves its persistence cookie in the forwarded Cookie field although the profile declares indirect mode',
    ['balancing/sticky-cookie-pins-backend'],
  ).replacing(() => ({
    forwardedCookie: (_profile, fields) => fields,
  })),
  balancerDefect(
    'stays-pinned-to-dead-backend',
    'Refuses (503) every request whose cookie names a backend that is gone, whatever the profile declares: the client is stuck to a dead backend (ExpediaGroup/styx #70)',
    ['balancing/sticky-cookie-dead-backend-repins'],
  ).replacing((reference) => ({
    stickyBackend: (profile, request, candidates) =>
      reference.stickyBackend(
        profile.sticky === undefined
          ? profile
          : { ...profile, sticky: { ...profile.sticky, nofailover: true } },
        request,
        candidates,
      ),
  })),
  balancerDefect(
    'sticky-ignores-nofailover',
    'Moves a session whose backend died to another backend although the profile declares nofailover',
    ['balancing/sticky-cookie-nofailover-503'],
  ).replacing((reference) => ({
    stickyBackend: (profile, request, candidates) => {
      const choice = reference.stickyBackend(profile, request, candidates)
      return choice === 'refuse' ? undefined : choice
    },
  })),
  balancerDefect(
    'sorts-set-cookie-lines',
    "Rebuilds the response's Set-Cookie lines from a map sorted by cookie name, so the origin's lines change order (RFC 9110 §5.3)",
    ['balancing/sticky-cookie-keeps-origin-set-cookie'],
  ).replacing((reference) => ({
    withStickyCookie: (fields, setCookie) => {
      const all = reference.withStickyCookie(fields, setCookie)
      const isSetCookie = (name: string): boolean => name.toLowerCase() === 'set-cookie'
      const sorted = all
        .filter((f) => isSetCookie(f.name))
        .sort((a, b) => a.value.localeCompare(b.value))
      return [...all.filter((f) => !isSetCookie(f.name)), ...sorted]
    },
  })),
]

/** Connection limit, queue and slow start (LB-23, LB-24): suites/balancing/limits and slow-start. */
const limitsAndSlowStartDefects: readonly SeededDefect[] = [
  balancerDefect(
    'connection-limit-ignored',
    'Declares max_conns_per_backend but never enforces it: every request goes to a backend, however many it holds (Caddy max_requests before it was enforced per host)',
    ['balancing/connection-limit-holds', 'balancing/queue-times-out'],
  ).replacing(() => ({
    backendHasRoom: () => true,
  })),
  balancerDefect(
    'connection-limit-off-by-one',
    'Compares requests in flight with <= instead of <, so a backend holds one more than the declared limit',
    ['balancing/connection-limit-holds', 'balancing/saturation-reaches-backup-only-if-declared'],
  ).replacing(() => ({
    backendHasRoom: (backend, profile) =>
      profile.max_conns_per_backend === undefined ||
      backend.inFlight <= profile.max_conns_per_backend,
  })),
  balancerDefect(
    'queue-without-bound',
    'Queues every excess request whatever queue.size declares, so the queue holds more than its size',
    ['balancing/connection-limit-holds'],
  ).replacing((reference) => ({
    queueLimits: (profile) => ({
      ...reference.queueLimits(profile),
      size: Number.MAX_SAFE_INTEGER,
    }),
  })),
  balancerDefect(
    'queue-never-times-out',
    'Keeps a queued request waiting until a backend has room, whatever queue.timeout_ms declares: with every backend stuck, the client hangs',
    ['balancing/queue-times-out'],
  ).replacing((reference) => ({
    // The longest timer Node keeps (about 24 days): never, for a case.
    queueLimits: (profile) => ({ ...reference.queueLimits(profile), timeoutMs: 2 ** 31 - 1 }),
  })),
  balancerDefect(
    'refuses-after-touching-backend',
    'Sends a request that finds every backend full to the first backend anyway, drops that connection, then answers 503: the refused request reached a backend',
    ['balancing/connection-limit-holds', 'balancing/queue-times-out'],
  ).replacing((reference) => ({
    chooseUpstream: (balancer, request, tried) => {
      const choice = reference.chooseUpstream(balancer, request, tried)
      const first = balancer.primaries[0]
      if (choice.kind === 'none' && choice.saturated === true && first !== undefined)
        touchBackend(first.address, first.port, request.head)
      return choice
    },
  })),
  balancerDefect(
    'saturation-counts-as-down-undeclared',
    "Sends the excess to a backup once every primary is at its limit although the profile does not declare it (nginx's behaviour, undeclared)",
    ['balancing/saturation-reaches-backup-only-if-declared'],
  ).replacing((reference) => ({
    candidateBackends: (primaries, backups, profile) =>
      reference.candidateBackends(
        primaries.filter((b) => reference.backendHasRoom(b, profile)),
        backups,
        profile,
      ),
  })),
  balancerDefect(
    'slow-start-full-share-at-once',
    'Declares slow_start_s but gives a readmitted backend its full weight at once',
    ['balancing/slow-start-ramps-share'],
  ).replacing(() => ({
    slowStartFactor: () => 1,
  })),
]

/** Every seeded defect of the reference balancer, with a case or not yet. */
export const allBalancingDefects: readonly SeededDefect[] = [
  ...stickyDefects,
  balancerDefect(
    'retries-post-on-another-backend',
    'Sends a POST again to another backend after the first reset the connection having read it (Traefik #1008, praxis #1196)',
    ['balancing/no-retry-of-non-idempotent-request'],
  ).replacing((reference) => ({
    // Every method treated as idempotent once bytes were written (RFC 9110 §9.2.2, LB-01).
    mayRetryElsewhere: (attempt) => reference.mayRetryElsewhere({ ...attempt, method: 'GET' }),
  })),
  balancerDefect(
    'splices-second-backend-response',
    "After a backend dies mid-body, relays a second backend's whole response after the partial one (h2o #1031, Caddy PR #7998)",
    ['balancing/cut-response-stays-incomplete'],
  ).replacing((reference) => ({
    // Retries as if nothing had reached the client yet (RFC 9112 §8, LB-03).
    mayRetryElsewhere: (attempt) =>
      reference.mayRetryElsewhere({ ...attempt, responseStarted: false }),
  })),
  balancerDefect(
    'answers-200-when-no-backend',
    'Answers 200 with its error text once every backend is marked down: a fail-open "maintenance page" served as a success',
    ['balancing/no-backend-answers-framed-error'],
  ).replacing((reference) => ({
    // A gateway error turned into a success the backends never gave (LB-06).
    chooseUpstream: (balancer, request, tried) => {
      const choice = reference.chooseUpstream(balancer, request, tried)
      return choice.kind === 'none' ? { ...choice, status: 200 } : choice
    },
  })),
  balancerDefect(
    'counts-failed-health-check-as-passed',
    'Takes every health check for a pass, so a failing backend is never taken out (traefik #5231)',
    ['balancing/active-check-removes-backend'],
  ).replacing(() => ({
    healthCheckPassed: () => true,
  })),
  balancerDefect(
    'sends-to-backup-while-primary-up',
    'Puts the backups in rotation beside the usable primaries (HAProxy #2729)',
    ['balancing/backup-only-when-primaries-down'],
  ).replacing((reference) => ({
    candidateBackends: (primaries, backups, profile) =>
      primaries.length === 0
        ? reference.candidateBackends(primaries, backups, profile)
        : [...primaries, ...reference.candidateBackends([], backups, profile)],
  })),
  balancerDefect(
    'ignores-weights',
    'Spreads requests evenly whatever the declared weights, weight 0 included (traefik #2986)',
    ['balancing/weighted-shares'],
  ).replacing(() => ({
    backendWeight: () => 1,
  })),
  balancerDefect(
    'least-conn-counts-requests',
    'Least connections by requests ever sent instead of requests in flight (apisix #9225)',
    ['balancing/least-conn-avoids-busy-backend'],
  ).replacing(() => ({
    backendLoad: (backend) => backend.requests,
  })),
  balancerDefect(
    'reuses-timed-out-upstream-connection',
    'Pools an upstream connection after its response timed out, so the late response answers the next request (HAProxy #583, ledge #199)',
    ['balancing/abandoned-connection-not-reused', 'balancing/one-outcome-per-request'],
  ).replacing(() => ({
    mayPoolAbandoned: (why) => why === 'timeout',
  })),
  balancerDefect(
    'retries-unkept-body',
    'Retries a PUT whose body it streamed without keeping, so the retry carries the head and no body (LB-04; nginx refuses this case: ngx_http_upstream_next with request buffering off)',
    ['balancing/retry-is-the-same-request'],
  ).replacing((reference) => ({
    // Takes every request for replayable, kept or not (RFC 9110 §9.2.2: a repeat is the same request).
    mayRetryElsewhere: (attempt) => reference.mayRetryElsewhere({ ...attempt, replayable: true }),
  })),
  balancerDefect(
    'retries-without-bound',
    'Retries an idempotent request on every backend in turn, whatever retries.idempotent declares (nginx proxy_next_upstream_tries 0)',
    ['balancing/retries-are-bounded'],
  ).replacing((reference) => ({
    // Counts no retry, so the declared bound never stops it (LB-14).
    mayRetryElsewhere: (attempt) => reference.mayRetryElsewhere({ ...attempt, retries: 0 }),
  })),
  balancerDefect(
    'up-before-first-check',
    'Uses a backend before its first health check although the profile declares initial_state down (traefik #1245, #12654)',
    ['balancing/initial-state-down-honoured'],
  ).replacing(() => ({
    initialHealth: () => 'up',
  })),
  balancerDefect(
    'health-check-without-host',
    'Sends HTTP/1.1 health checks without Host (tengine PR #886, govuk-puppet PR #11332)',
    ['balancing/health-check-carries-host'],
  ).replacing((reference) => ({
    healthCheckRequest: (profile, backend) =>
      reference.healthCheckRequest(profile, backend).replace(/\r\nHost: [^\r]*/i, ''),
  })),
  balancerDefect(
    'health-check-method-not-declared',
    "Checks with OPTIONS whatever method the profile declares (HAProxy's default `option httpchk` shape)",
    ['balancing/health-check-as-declared'],
  ).replacing((reference) => ({
    healthCheckRequest: (profile, backend) =>
      reference.healthCheckRequest(profile, backend).replace(/^[A-Z]+ /, 'OPTIONS '),
  })),
  balancerDefect(
    'never-readmits-after-failed-checks',
    'A backend that once failed its active checks is never used again, however many checks it passes since (HAProxy #1234)',
    ['balancing/readmitted-after-rise'],
  ).replacing((reference) => ({
    // Only backends whose every check passed stay candidates (LB-10).
    candidateBackends: (primaries, backups, profile) =>
      reference.candidateBackends(
        primaries.filter((b) => b.passedRun === b.checks),
        backups.filter((b) => b.passedRun === b.checks),
        profile,
      ),
  })),
  balancerDefect(
    'ignores-passive-failures',
    'Never counts failed requests against a backend, so a backend that resets every request stays in rotation (passive checks declared but inert)',
    ['balancing/passive-check-ejects-and-returns'],
  ).replacing(() => ({
    noteUpstreamResult: () => undefined,
  })),
  balancerDefect(
    'fails-open-when-all-down',
    'Sends to the first backend anyway when every backend is marked down, although the profile declares fail-closed (Apache forcerecovery)',
    ['balancing/all-unhealthy-as-declared'],
  ).replacing((reference) => ({
    chooseUpstream: (balancer, request, tried) => {
      const choice = reference.chooseUpstream(balancer, request, tried)
      const backend = balancer.primaries.find((b) => !tried.has(b))
      if (choice.kind !== 'none' || tried.size > 0 || backend === undefined) return choice
      backend.inFlight += 1
      backend.requests += 1
      return { kind: 'backend', backend, probe: false }
    },
  })),
  balancerDefect(
    'round-robin-breaks-ties-at-random',
    'Round robin whose ties go to a random backend: the counts stay even, the fixed cycle is lost',
    ['balancing/round-robin-cycles'],
  ).replacing((reference) => {
    const random = seededRandom(7)
    return {
      // The candidates in a new order each time: smooth round robin breaks ties by order.
      candidateBackends: (primaries, backups, profile) => {
        const list = [...reference.candidateBackends(primaries, backups, profile)]
        for (let i = list.length - 1; i > 0; i -= 1) {
          const j = random.below(i + 1)
          ;[list[i], list[j]] = [list[j]!, list[i]!]
        }
        return list
      },
    }
  }),
  balancerDefect(
    'random-favours-first-backend',
    'A random draw that counts the first backend twice: every backend gets traffic, the first twice its share',
    ['balancing/random-spreads-evenly'],
  ).replacing((reference) => ({
    backendWeight: (backend, profile) =>
      reference.backendWeight(backend, profile) *
      (profile.policy === 'random' && backend.index === 0 && !backend.backup ? 2 : 1),
  })),
  balancerDefect(
    'hash-key-per-request',
    'Hashes a per-request value with the key, so one key wanders between backends (a request counter salted into the key)',
    ['balancing/hash-is-stable'],
  ).replacing((reference) => {
    let count = 0
    return {
      chooseUpstream: (balancer, request, tried) => {
        count += 1
        // Wherever the key rides (the URI, a header, a cookie), the counter goes with it.
        const headers = request.head.headers.map((f) =>
          /^(x-proxyspec-key|cookie)$/i.test(f.name) ? { ...f, value: `${f.value}${count}` } : f,
        )
        const head = { ...request.head, target: `${request.head.target}?n=${count}`, headers }
        return reference.chooseUpstream(balancer, { ...request, head }, tried)
      },
    }
  }),
  balancerDefect(
    'remaps-all-keys-on-removal',
    'Map-based hashing (key modulo the live backends) under a declared consistent hash: when one backend leaves, the survivors’ keys are re-divided too (HAProxy map-based)',
    ['balancing/consistent-hash-remaps-little'],
  ).replacing((reference) => ({
    chooseUpstream: (balancer, request, tried) => {
      const live = balancer.primaries.filter((b) => !tried.has(b) && balancer.usable(b))
      if (balancer.profile.policy !== 'hash' || live.length === 0)
        return reference.chooseUpstream(balancer, request, tried)
      const key = hashKey(balancer.profile.hash?.key ?? 'uri', request)
      const target = live[hash32(key) % live.length]
      // Every other backend counts as tried: the reference can only pick `target`.
      const others = new Set(balancer.backends.filter((b) => b !== target))
      return reference.chooseUpstream(balancer, request, others)
    },
  })),
  balancerDefect(
    'gives-up-on-refused-backend',
    'Answers 502 when the chosen backend refuses the connection instead of choosing another, so a client keeps meeting a dead backend',
    ['balancing/per-request-on-one-connection'],
  ).replacing((reference) => ({
    // Nothing was written: choosing another backend is selection, not a retry (LB-01, LB-25).
    mayRetryElsewhere: (attempt) => attempt.written && reference.mayRetryElsewhere(attempt),
  })),
  // A backend leaving service (LB-07, LB-27).
  balancerDefect(
    'writes-after-connection-close',
    'Pools a backend connection whose response said Connection: close and writes the next request on it (RFC 9112 §9.6; sozu #1442)',
    ['balancing/drain-no-request-after-close'],
  ).replacing((reference) => ({
    // The close option is not read: only a close-delimited body ends the connection.
    upstreamMayPersist: (head, closeDelimited) =>
      reference.upstreamMayPersist(
        { ...head, headers: head.headers.filter((f) => f.name.toLowerCase() !== 'connection') },
        closeDelimited,
      ),
  })),
  balancerDefect(
    'no-retry-on-stale-keepalive',
    'Answers 502 when a GET meets a keep-alive connection the backend had just closed, instead of sending it again on a fresh one (Caddy #6452, Envoy #1979)',
    ['balancing/stale-keepalive-retried-not-post'],
  ).replacing(() => ({
    retryOnFreshConnection: () => false,
  })),
  balancerDefect(
    'resends-post-on-stale-keepalive',
    'Sends a POST again on a fresh connection after the reused one closed under it (praxis #1196, Varnish #4413)',
    ['balancing/stale-keepalive-retried-not-post'],
  ).replacing((reference) => ({
    // Every method taken for idempotent when the connection was stale (RFC 9112 §9.3.1).
    retryOnFreshConnection: (attempt) =>
      reference.retryOnFreshConnection({ ...attempt, method: 'GET' }),
  })),
  balancerDefect(
    'cuts-in-flight-when-marked-down',
    'Cuts the responses a backend is streaming the moment its checks take it out, whatever on_marked_down declares (alibaba/tengine #596)',
    ['balancing/marked-down-finishes-in-flight'],
  ).replacing(() => ({
    onMarkedDown: () => 'shutdown-sessions',
  })),
  ...limitsAndSlowStartDefects,
]

/** The cases they name exist: in allDefects and the kill matrix. */
const WIRED = new Set([
  // Persistence cookies (LB-21, LB-22).
  ...stickyDefects.map((d) => d.name),
  'retries-post-on-another-backend',
  'splices-second-backend-response',
  'answers-200-when-no-backend',
  'reuses-timed-out-upstream-connection',
  'retries-unkept-body',
  'retries-without-bound',
  // Failure detection (LB-08 to LB-13, LB-26).
  'counts-failed-health-check-as-passed',
  'sends-to-backup-while-primary-up',
  'up-before-first-check',
  'health-check-without-host',
  'health-check-method-not-declared',
  'never-readmits-after-failed-checks',
  'ignores-passive-failures',
  'fails-open-when-all-down',
  'ignores-weights',
  'least-conn-counts-requests',
  'round-robin-breaks-ties-at-random',
  'random-favours-first-backend',
  'hash-key-per-request',
  'remaps-all-keys-on-removal',
  'gives-up-on-refused-backend',
  // A backend leaving service (LB-07, LB-27).
  'writes-after-connection-close',
  'no-retry-on-stale-keepalive',
  'resends-post-on-stale-keepalive',
  'cuts-in-flight-when-marked-down',
  // Connection limit, queue and slow start (LB-23, LB-24).
  ...limitsAndSlowStartDefects.map((d) => d.name),
])

/** The balancing defects the kill matrix runs (their cases exist). */
export const balancingDefects: readonly SeededDefect[] = allBalancingDefects.filter((d) =>
  WIRED.has(d.name),
)

/** The balancing defects whose cases are still to be written. */
export const pendingBalancingDefects: readonly SeededDefect[] = allBalancingDefects.filter(
  (d) => !WIRED.has(d.name),
)
