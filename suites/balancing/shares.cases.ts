import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, endCase, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import {
  goodnessOfFit,
  multiWorkerBand,
  sampleSize,
  starved,
  verdictOf,
  weightedWindows,
} from '../../harness/stats/index.js'
import { backendsOf } from './lb.js'
import {
  countsOf,
  cutShort,
  describeCounts,
  expectedCounts,
  fitTest,
  idsFor,
  readmissionBoundMs,
  removalBoundMs,
  sendParallel,
  sendSequential,
  sendUntil,
  sequenceOf,
  servedBy,
  weightsOf,
} from './spread.js'

/** Deterministic weighted requests (catalog LB-16: 500 sequential GETs with workers: 1). */
const DETERMINISTIC_REQUESTS = 500

/** Parallel keep-alive clients of the concurrent phase (catalog LB-17: 20 concurrent clients). */
const CLIENTS = 20

/**
 * A χ² verdict on counts against shares (catalog §12.3): FAIL on p < 0.001 or a
 * starved backend, WARN on p < 0.01. Records the distribution.
 */
function judgeFit(
  ctx: CaseContext,
  title: string,
  names: readonly string[],
  counts: readonly number[],
  shares: readonly number[],
): { readonly fail?: string; readonly warn?: string } {
  const fit = goodnessOfFit(counts, shares)
  const expected = fit.expected
  ctx.report.distribution({
    title,
    backends: names.map((name, i) => ({
      name,
      observed: counts[i] ?? 0,
      expected: expected[i] ?? 0,
    })),
    test: fitTest(fit),
  })
  const line = `${title}: ${describeCounts(names, counts)}; expected ${expected.map((e) => e.toFixed(1)).join(', ')}; ${fit.test} ${fit.statistic.toFixed(2)}, df ${fit.df}, p = ${fit.pValue.toPrecision(3)}`
  ctx.note(line)
  const hungry = starved(counts, shares)
  if (hungry.starved)
    return { fail: `${title}: ${hungry.backends.map((i) => names[i]).join(', ')} got none` }
  const verdict = verdictOf(fit.pValue)
  if (verdict === 'fail') return { fail: line }
  if (verdict === 'warn') return { warn: line }
  return {}
}

/** Whether a profile's policy is judged exactly (periodic) rather than statistically. */
function deterministic(profile: BalancerProfile): boolean {
  return profile.policy === 'round-robin' || profile.policy === 'weighted'
}

/** Requests judged while O1 is out, and after it is back (windows of Σw). */
const PHASE_REQUESTS = 100

/**
 * LB-16's second part, on one worker with active checks declared: O1 fails its
 * checks (its client path keeps answering), so the balancer takes it out: the
 * others keep their ratio and O1 gets nothing; then O1 passes again and the full
 * ratio is back within 2 × the readmission bound. What went wrong, if anything.
 */
async function leaveAndReturn(ctx: CaseContext, weights: readonly number[]): Promise<string[]> {
  const backends = backendsOf(ctx)
  const profile = ctx.profile ?? { policy: 'weighted' }
  const names = backends.primaries.map((b) => b.name)
  const first = backends.primaries[0]!
  if (profile.active === undefined) {
    ctx.note('no active checks declared: O1 leaving and returning is not exercised')
    return []
  }
  const survivors = weights.slice(1).reduce((a, b) => a + b, 0)
  // While the balancer has not changed its mind yet, the next request waits for
  // O1's next health check (the event that can change it), not a timer.
  const nextCheckWhile =
    (waiting: (recent: readonly string[]) => boolean) =>
    async (recent: readonly string[], untilMs: number): Promise<unknown> =>
      waiting(recent) && untilMs > 0
        ? first.waitForHealthChecks(first.healthChecks.length + 1, untilMs)
        : undefined
  first.health(503)
  const removal = removalBoundMs(profile)
  const gone = await sendUntil(
    ctx,
    'x',
    removal,
    (recent) =>
      recent.length >= 2 * survivors && !recent.slice(-2 * survivors).includes(first.name),
    nextCheckWhile((recent) => recent.at(-1) === first.name),
  )
  ctx.note(
    `${first.name} fails its checks: ${gone.sent} GETs until ${2 * survivors} in a row went elsewhere (bound ${Math.round(removal)} ms)`,
  )
  if (!gone.reached) return [`${first.name} still got requests after the removal bound`]
  const out = await sendSequential(ctx, idsFor(ctx.token, 'o', PHASE_REQUESTS))
  const short = cutShort(out, `${PHASE_REQUESTS} GETs while ${first.name} is out`)
  if (short !== undefined) endCase(short)
  const outSeq = sequenceOf(out.ids, servedBy(backends)).filter((s) => s !== '-')
  const outWeights = Object.fromEntries(names.map((b, i) => [b, i === 0 ? 0 : weights[i]!]))
  const outCheck = weightedWindows(outSeq, outWeights)
  const outCounts = countsOf(names, outSeq)
  ctx.report.distribution({
    title: `${first.name} out: ${PHASE_REQUESTS} sequential requests`,
    backends: names.map((name, i) => ({
      name,
      observed: outCounts[i]!,
      expected: expectedCounts(Object.values(outWeights), outSeq.length)[i]!,
    })),
    test: { name: 'weighted-windows', detail: outCheck.reason },
  })
  ctx.note(`${first.name} out: ${describeCounts(names, outCounts)}; ${outCheck.reason}`)
  if (!outCheck.pass) return [`while ${first.name} was out: ${outCheck.reason}`]
  first.health(200)
  const readmission = 2 * readmissionBoundMs(profile)
  const back = await sendUntil(
    ctx,
    'y',
    readmission,
    (recent) => recent.at(-1) === first.name,
    nextCheckWhile((recent) => recent.at(-1) !== first.name),
  )
  ctx.note(
    `${first.name} passes again: back after ${back.sent} GETs (bound 2 × readmission = ${Math.round(readmission)} ms)`,
  )
  if (!back.reached) return [`${first.name} got no request within 2 × the readmission bound`]
  const again = await sendSequential(ctx, idsFor(ctx.token, 'a', PHASE_REQUESTS))
  const shortAgain = cutShort(again, `${PHASE_REQUESTS} GETs after ${first.name} returned`)
  if (shortAgain !== undefined) endCase(shortAgain)
  const againSeq = sequenceOf(again.ids, servedBy(backends)).filter((s) => s !== '-')
  const againCheck = weightedWindows(
    againSeq,
    Object.fromEntries(names.map((b, i) => [b, weights[i]!])),
  )
  const againCounts = countsOf(names, againSeq)
  ctx.report.distribution({
    title: `${first.name} back: ${PHASE_REQUESTS} sequential requests`,
    backends: names.map((name, i) => ({
      name,
      observed: againCounts[i]!,
      expected: expectedCounts(weights, againSeq.length)[i]!,
    })),
    test: { name: 'weighted-windows', detail: againCheck.reason },
  })
  ctx.note(`${first.name} back: ${describeCounts(names, againCounts)}; ${againCheck.reason}`)
  return againCheck.pass ? [] : [`after ${first.name} returned: ${againCheck.reason}`]
}

export const sharesCases = [
  defineCase({
    id: 'weighted-shares',
    title:
      'Declared weights are respected: backend i gets w_i/Σw of the requests, and a weight-0 backend gets none',
    requirements: ['LB-16'],
    spec: [{ rfc: 9110, section: '3.7' }],
    // Catalog §12.4 LB-16 (contract row, §12.3): with workers: 1 and a deterministic
    // policy, every window of Σw consecutive requests holds w_i ± 1 for backend i; with
    // K workers the band |n_i − N·w_i/W| ≤ K·w_i; with a random policy χ² at N from
    // sampleSize (3:1:1 → 564). A weight-0 backend gets no request at all.
    requirement:
      'Declared weights: each backend gets its share (exact windows on one worker, band on K workers, χ² for random), weight 0 gets nothing',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 10_000,
    balancer: {
      primaries: 3,
      // Active checks (fast) so O1 can leave and come back within the case.
      profile: {
        policy: 'weighted',
        weights: [3, 1, 1],
        active: { path: '/healthz', interval_ms: 100, timeout_ms: 100, fall: 1, rise: 1 },
      },
      needs: (declared) =>
        declared.weights === undefined
          ? 'the profile declares no weights'
          : declared.weights.length !== 3
            ? `the profile declares ${declared.weights.length} weights, the case runs 3 backends`
            : new Set(declared.weights).size === 1
              ? 'the profile declares equal weights (balancing/round-robin-cycles grades them)'
              : !['round-robin', 'weighted', 'random'].includes(declared.policy)
                ? `policy ${declared.policy}: no share to predict for sequential requests`
                : undefined,
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const names = backends.primaries.map((b) => b.name)
      const profile = ctx.profile ?? { policy: 'weighted' }
      const weights = weightsOf(profile.weights, names.length)
      const workers = profile.workers ?? 1
      const exact = deterministic(profile)
      const n = exact
        ? DETERMINISTIC_REQUESTS
        : sampleSize({ shares: weights.filter((w) => w > 0) }).n
      const batch = await sendSequential(ctx, idsFor(ctx.token, 'w', n))
      const short = cutShort(batch, `${n} sequential GETs`)
      if (short !== undefined) return short
      const sequence = sequenceOf(batch.ids, servedBy(backends))
      const served = sequence.filter((s) => s !== '-')
      const counts = countsOf(names, sequence)
      ctx.note(
        `${n} sequential GETs on keep-alive in ${Math.round(batch.ms)} ms (weights ${weights.join(':')}, workers ${workers}): ${describeCounts(names, counts)}; ${batch.errors.length} errors`,
      )
      const found: string[] = []
      const zero = names.filter((_, i) => weights[i] === 0 && counts[i]! > 0)
      if (zero.length > 0)
        found.push(zero.map((z) => `${z} (weight 0) got ${counts[names.indexOf(z)]}`).join(', '))
      let warn: string | undefined
      if (exact && workers <= 1) {
        const weightOf = Object.fromEntries(names.map((b, i) => [b, weights[i]!]))
        const check = weightedWindows(served, weightOf)
        ctx.report.distribution({
          title: `Weights ${weights.join(':')}, ${n} sequential requests`,
          backends: names.map((name, i) => ({
            name,
            observed: counts[i]!,
            expected: expectedCounts(weights, served.length)[i]!,
          })),
          test: { name: 'weighted-windows', detail: check.reason },
        })
        ctx.note(`${check.reason}; first 10: ${served.slice(0, 10).join(' ')}`)
        if (!check.pass) found.push(check.reason)
      } else if (exact) {
        const band = multiWorkerBand(
          Object.fromEntries(names.map((b, i) => [b, counts[i]!])),
          Object.fromEntries(names.map((b, i) => [b, weights[i]!])),
          workers,
        )
        ctx.report.distribution({
          title: `Weights ${weights.join(':')} over ${workers} workers`,
          backends: band.rows.map((r) => ({
            name: r.backend,
            observed: r.observed,
            expected: r.expected,
          })),
          test: { name: 'band', detail: band.reason },
        })
        ctx.note(band.reason)
        if (!band.pass) found.push(band.reason)
        if (starved(counts, weights).starved) found.push('a weighted backend got none')
      } else {
        const judged = judgeFit(ctx, `Weights ${weights.join(':')}, random`, names, counts, weights)
        if (judged.fail !== undefined) found.push(judged.fail)
        warn = judged.warn
      }
      if (found.length === 0 && exact && workers <= 1) {
        found.push(...(await leaveAndReturn(ctx, weights)))
      }
      if (found.length > 0)
        return violates(
          `shares ${weights.join(':')} (exact windows ±1 on one worker), nothing to a weight-0 backend, the ratio kept while O1 is out and back after it returns`,
          found.join('; '),
        )
      if (warn !== undefined)
        return violates('p ≥ 0.01 against the declared shares', warn, 'SHOULD')
      return conforms(describeCounts(names, counts))
    },
  }),
  defineCase({
    id: 'random-spreads-evenly',
    title:
      'A random policy reaches every backend, and its counts fit the declared shares (χ², catalog §12.3)',
    requirements: ['LB-17'],
    spec: [{ rfc: 9110, section: '3.7' }],
    // Catalog §12.4 LB-17 (contract row, §12.3 "Random and other non-deterministic
    // policies"): χ² goodness of fit with N from sampleSize (floor 500); FAIL if
    // p < 0.001 or a backend with ≥ 10 % share gets none, WARN if p < 0.01. Sequential
    // requests first, then the same number from 20 concurrent keep-alive clients.
    requirement:
      'Declared random: every backend gets traffic and the counts fit the declared shares (χ², FAIL p<0.001, WARN p<0.01)',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 10_000,
    balancer: {
      primaries: 3,
      profile: { policy: 'random' },
      needs: (declared) =>
        declared.policy !== 'random' && declared.policy !== 'random-two'
          ? `the profile declares policy ${declared.policy}, not random`
          : declared.weights !== undefined && declared.weights.length !== 3
            ? `the profile declares ${declared.weights.length} weights, the case runs 3 backends`
            : undefined,
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const names = backends.primaries.map((b) => b.name)
      const weights = weightsOf(ctx.profile?.weights, names.length)
      const { n } = sampleSize({ shares: weights.filter((w) => w > 0) })
      const found: string[] = []
      const warnings: string[] = []
      const phases = [
        {
          title: `${n} sequential GETs`,
          send: () => sendSequential(ctx, idsFor(ctx.token, 's', n)),
        },
        {
          title: `${n} GETs from ${CLIENTS} concurrent clients`,
          send: () => sendParallel(ctx, idsFor(ctx.token, 'c', n), CLIENTS),
        },
      ]
      for (const phase of phases) {
        const batch = await phase.send()
        const short = cutShort(batch, phase.title)
        if (short !== undefined) return short
        const sequence = sequenceOf(batch.ids, servedBy(backends))
        const counts = countsOf(names, sequence)
        ctx.note(
          `${phase.title}: ${Math.round(batch.ms)} ms, ${batch.errors.length} errors${batch.errors.length > 0 ? ` (${batch.errors[0]})` : ''}`,
        )
        const judged = judgeFit(ctx, phase.title, names, counts, weights)
        if (judged.fail !== undefined) found.push(judged.fail)
        if (judged.warn !== undefined) warnings.push(judged.warn)
      }
      if (found.length > 0)
        return violates(
          `counts fitting shares ${weights.join(':')} (p ≥ 0.001), no backend starved`,
          found.join('; '),
        )
      if (warnings.length > 0)
        return violates(
          `counts fitting shares ${weights.join(':')} (p ≥ 0.01)`,
          warnings.join('; '),
          'SHOULD',
        )
      return conforms()
    },
  }),
]
