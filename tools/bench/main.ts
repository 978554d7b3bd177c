/**
 * `npm run bench`: one JSON object with every figure of issue 7, measured in
 * one run so that ratios compare like with like on a shared, noisy machine.
 * Goals are printed beside the figures; nothing here asserts a timing.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { executeRun } from '../../harness/engine/runner/run.js'
import { createCertificateCorpus } from '../../harness/tls/certificate-factory.js'
import { parseTarget } from '../../harness/engine/target/target-spec.js'
import { allCases } from '../../suites/index.js'
import { startHostileServer } from '../../test-fixtures/hostile/hostile-servers.js'
import { DEFAULT_QUIET_MS } from '../../harness/engine/environment/environment.js'
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

/** Generation time of the whole corpus: the first (which also loads selfsigned) and the next. */
async function certificates(): Promise<{ coldMs: number; warmMs: number }> {
  const times: number[] = []
  for (let i = 0; i < 2; i += 1) {
    const started = performance.now()
    const corpus = await createCertificateCorpus()
    times.push(performance.now() - started)
    corpus.dispose()
  }
  return { coldMs: times[0] ?? Number.NaN, warmMs: times[1] ?? Number.NaN }
}

/** Peak RSS of one full run as a user starts it: `proxyspec run` in a process of its own. */
async function runPeakRssMB(): Promise<number> {
  const { execFile } = await import('node:child_process')
  const { mkdtemp, rm } = await import('node:fs/promises')
  const out = await mkdtemp(join(tmpdir(), 'proxyspec-bench-'))
  const cli = fileURLToPath(new URL('../../cli/main.js', import.meta.url))
  const script = `process.on('exit', () => process.stderr.write('maxrss=' + process.resourceUsage().maxRSS + '\\n')); process.argv = [process.argv[0], ${JSON.stringify(cli)}, 'run', '--out', ${JSON.stringify(out)}]; await import(${JSON.stringify(cli)})`
  const kb = await new Promise<number>((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], (_error, _stdout, stderr) => {
      resolve(Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? Number.NaN))
    })
  })
  await rm(out, { recursive: true, force: true })
  return kb / 1024
}

const certs = await certificates()
const singleRunRssMB = await runPeakRssMB()
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
  certificates: { coldMs: round(certs.coldMs, 0), warmMs: round(certs.warmMs, 0), goalMs: 300 },
  peakRssMB: {
    oneRun: round(singleRunRssMB, 0),
    fullRuns: round(runRssMB, 0),
    wholeBenchmark: round(process.resourceUsage().maxRSS / 1024, 0),
    goalMB: 200,
  },
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
