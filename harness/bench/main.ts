/**
 * `npm run bench`: one JSON object with every figure of issue 7, measured in
 * one run so that ratios compare like with like on a shared, noisy machine.
 * Goals are printed beside the figures; nothing here asserts a timing.
 */
import { executeRun } from '../runner/run.js'
import { createCertificateCorpus } from '../tls/certificate-factory.js'
import { parseTarget } from '../target/target-spec.js'
import { allCases } from '../../suites/index.js'
import { startHostileServer } from '../../test-fixtures/hostile/hostile-servers.js'
import { DEFAULT_QUIET_MS } from '../runner/environment.js'
import { measureOrigin } from './origin-throughput.js'
import { measureRoundTrip } from './round-trip.js'
import { median, percentile, round } from './stats.js'
import { measureTunnel } from './tunnel-throughput.js'

const selection = { suites: [], cases: [] }

async function fullRun(concurrency?: number): Promise<{
  ms: number
  cases: number
  perCase: number[]
  exitCode: number
}> {
  const started = performance.now()
  const result = await executeRun(
    {
      target: parseTarget('builtin:reference'),
      roles: [],
      selection,
      ...(concurrency === undefined ? {} : { concurrency }),
    },
    allCases(),
  )
  const ms = performance.now() - started
  const ran = result.results.filter((r) => r.verdict.status !== 'not-applicable')
  return {
    ms,
    cases: ran.length,
    perCase: ran.map((r) => r.durationMs),
    exitCode: result.summary.exitCode,
  }
}

async function blindRelayVerdict(): Promise<number> {
  const result = await executeRun(
    {
      target: parseTarget('builtin:blind-relay'),
      roles: ['forward'],
      selection: { suites: [], cases: ['KA-06'] },
    },
    allCases(),
  )
  return result.results[0]?.durationMs ?? Number.NaN
}

async function blackHoleRun(): Promise<number> {
  await using server = await startHostileServer('black-hole')
  const started = performance.now()
  await executeRun(
    { target: parseTarget(server.url), roles: ['forward'], selection },
    allCases(),
  ).catch(() => undefined)
  return performance.now() - started
}

async function certificates(): Promise<number> {
  const started = performance.now()
  const corpus = await createCertificateCorpus()
  const ms = performance.now() - started
  corpus.dispose()
  return ms
}

const certMs = await certificates()
const runs = [await fullRun(), await fullRun(), await fullRun()]
const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a))
// Per-case times from a run one case at a time: concurrent cases share 2 cores and inflate each other.
const serial = await fullRun(1)
const runRssMB = process.resourceUsage().maxRSS / 1024
const roundTripMs = await measureRoundTrip()
const tunnel = await measureTunnel()
const origin = await measureOrigin()
const hangMs = await blindRelayVerdict()
const blackHoleMs = await blackHoleRun()
const perCaseMedian = median(serial.perCase)

const report = {
  machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
  fullRun: {
    ms: round(best.ms, 0),
    cases: best.cases,
    exitCode: best.exitCode,
    goalMs: 3000,
    allRunsMs: runs.map((r) => round(r.ms, 0)),
  },
  perCase: {
    medianMs: round(perCaseMedian),
    p95Ms: round(percentile(serial.perCase, 95)),
    roundTripMedianMs: round(roundTripMs, 3),
    ratio: round(perCaseMedian / roundTripMs),
    goalRatio: 10,
  },
  tunnel: {
    rawPipeMBps: round(tunnel.rawMBps, 0),
    referenceMBps: round(tunnel.tunnelMBps, 0),
    ratio: round(tunnel.tunnelMBps / tunnel.rawMBps),
    goalRatio: 0.8,
  },
  origin: {
    nodeHttpRps: round(origin.nodeHttpRps, 0),
    originRps: round(origin.originRps, 0),
    ratio: round(origin.originRps / origin.nodeHttpRps),
    goalRatio: 0.7,
  },
  hangVerdict: {
    ms: round(hangMs, 0),
    deadlineMs: DEFAULT_QUIET_MS,
    ratio: round(hangMs / DEFAULT_QUIET_MS),
    goalRatio: 1.1,
  },
  blackHoleRun: { ms: round(blackHoleMs, 0), goalMs: 5000 },
  certificates: { ms: round(certMs, 0), goalMs: 300 },
  peakRssMB: {
    fullRuns: round(runRssMB, 0),
    wholeBenchmark: round(process.resourceUsage().maxRSS / 1024, 0),
    goalMB: 200,
  },
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
