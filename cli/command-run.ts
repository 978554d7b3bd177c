import { DEFAULT_CONCURRENCY } from '../harness/engine/environment/environment.js'
import { resolve } from 'node:path'
import { FTP_MODES, isFtpMode, type FtpMode, type Role } from '../harness/engine/model/roles.js'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { executeRun, planRun } from '../harness/engine/runner/run.js'
import { unmatchedFilters, type Selection } from '../harness/engine/runner/select.js'
import { dealShard, parseShard } from '../harness/engine/runner/shard.js'
import { HarnessError } from '../harness/net/errors.js'
import { parseRole, parseTarget, type TargetSpec } from '../harness/engine/target/target-spec.js'
import { diffRuns, type RunDiff } from '../reports/diff.js'
import { exitCode } from '../reports/exit-code.js'
import { applyExpectations, unmatchedDeviations } from '../reports/expectations.js'
import { parseReportFormats, type ReportFormat } from '../reports/index.js'
import { readExpectationsFile, readRunResultFile } from '../reports/read-files.js'
import { renderDiffText } from '../reports/render-diff.js'
import { mergeRepeats } from '../reports/repeat.js'
import { writeReports } from '../reports/write-reports.js'
import { allCases } from '../suites/index.js'
import { PEER_CLI_OPTIONS, peerOptionsFrom } from '../harness/peers/cli-options.js'
import { parseCommandArgs, parseHostValue, parsePort, parsePositiveInt, splitList } from './args.js'
import { onOutputClosed } from './closed-pipe.js'
import { configOptionValues, loadConfig, mergeOptionValues } from './config-file.js'
import { detectStyle, formatSummary, RunProgress } from './print-result.js'
import { readBalancerProfile } from './lb-profile.js'
import { RUN_USAGE } from './usage.js'
import { parseFronts } from './fronts.js'

const OPTIONS = {
  target: { type: 'string' },
  spawn: { type: 'string' },
  role: { type: 'string', multiple: true },
  suite: { type: 'string', multiple: true },
  case: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  host: { type: 'string' },
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
  out: { type: 'string' },
  report: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  expectations: { type: 'string' },
  repeat: { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  'origin-port': { type: 'string' },
  strict: { type: 'boolean' },
  'proxy-auth': { type: 'string' },
  'lb-profile': { type: 'string' },
  'ftp-mode': { type: 'string' },
  front: { type: 'string', multiple: true },
  'ftp-timeout': { type: 'string' },
  'restart-on-crash': { type: 'boolean' },
  shard: { type: 'string' },
  ...PEER_CLI_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const

function reportFormats(values: readonly string[] | undefined): ReportFormat[] {
  if (values === undefined) return ['json']
  try {
    return parseReportFormats(values.join(','))
  } catch (error) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `--report: ${error instanceof Error ? error.message : String(error)}`,
    )
  }
}

/** --proxy-auth USER:PASS: split at the first colon (RFC 7617 §2: the user-id has none). */
export function parseProxyAuth(text: string): { user: string; pass: string } {
  const colon = text.indexOf(':')
  if (colon <= 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      '--proxy-auth takes USER:PASS (a non-empty user, no colon in it)',
    )
  }
  return { user: text.slice(0, colon), pass: text.slice(colon + 1) }
}

/** --ftp-mode forward|reverse (catalog §13.1.1, FG/f and FG/r). */
export function parseFtpMode(text: string): FtpMode {
  if (isFtpMode(text)) return text
  throw new HarnessError(
    'HARNESS_BAD_INPUT',
    `--ftp-mode takes ${FTP_MODES.join(' or ')}, not "${text}"`,
  )
}

/** `proxyspec run`: returns the exit code. */
export async function commandRun(args: readonly string[]): Promise<number> {
  const { values: flags, positionals } = parseCommandArgs(args, OPTIONS, 'proxyspec run --help')
  if (flags.help === true) {
    process.stdout.write(RUN_USAGE)
    return 0
  }
  if (positionals.length > 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `unexpected argument "${positionals[0] ?? ''}" (see: proxyspec run --help)`,
    )
  }
  if (flags.config !== undefined && flags['no-config'] === true) {
    throw new HarnessError('HARNESS_BAD_INPUT', '--config and --no-config exclude each other')
  }
  if (flags.target !== undefined && flags.spawn !== undefined) {
    throw new HarnessError('HARNESS_BAD_INPUT', '--target and --spawn exclude each other')
  }
  // The target profile (proxyspec.config.json, or --config FILE); flags override it.
  const config =
    flags['no-config'] === true ? undefined : await loadConfig(process.cwd(), flags.config)
  const values = mergeOptionValues(config === undefined ? {} : configOptionValues(config), flags)
  if (values.target !== undefined && values.spawn !== undefined) {
    throw new HarnessError('HARNESS_BAD_INPUT', '--target and --spawn exclude each other')
  }
  const target: TargetSpec =
    values.spawn !== undefined
      ? { kind: 'spawn', command: values.spawn, label: `spawn: ${values.spawn}` }
      : parseTarget(values.target ?? 'builtin:reference')
  const roles: Role[] = splitList(values.role).map(parseRole)
  const fronts = parseFronts(splitList(values.front))
  const formats = reportFormats(values.report)
  const rounds = parsePositiveInt(values.repeat, '--repeat', 1)
  const timeoutMs = parsePositiveInt(values.timeout, '--timeout', 3000, 100)
  const concurrency = parsePositiveInt(values.concurrency, '--concurrency', DEFAULT_CONCURRENCY)
  const strict = values.strict === true
  const restartOnCrash = values['restart-on-crash'] === true
  const peer = peerOptionsFrom(values)
  const proxyAuth =
    values['proxy-auth'] === undefined ? undefined : parseProxyAuth(values['proxy-auth'])
  const originPort =
    values['origin-port'] === undefined
      ? undefined
      : parsePort(values['origin-port'], '--origin-port')
  const host = values.host === undefined ? undefined : parseHostValue(values.host, '--host')
  const ftpMode = values['ftp-mode'] === undefined ? undefined : parseFtpMode(values['ftp-mode'])
  const ftpTimeoutS =
    values['ftp-timeout'] === undefined
      ? undefined
      : parsePositiveInt(values['ftp-timeout'], '--ftp-timeout', 5)
  // --lb-profile FILE, else the config's balancerProfile (a path, or the profile inline).
  const inlineProfile =
    flags['lb-profile'] === undefined ? config?.config.balancerProfile : undefined
  const balancerProfile =
    values['lb-profile'] !== undefined
      ? await readBalancerProfile(values['lb-profile'], values['lb-profile'])
      : typeof inlineProfile === 'object'
        ? await readBalancerProfile(inlineProfile, `${config?.label ?? 'config'} (balancerProfile)`)
        : undefined
  const shard = values.shard === undefined ? undefined : parseShard(values.shard)
  if (shard !== undefined && values.baseline !== undefined) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      '--baseline compares whole runs, not a shard: give it to proxyspec merge, which rebuilds the whole run from the shards',
    )
  }
  // Input files are read before anything starts: a typo costs no run.
  const baseline =
    values.baseline === undefined ? undefined : await readRunResultFile(values.baseline, 'baseline')
  const expectations =
    values.expectations === undefined ? undefined : await readExpectationsFile(values.expectations)
  const selection: Selection = {
    suites: splitList(values.suite),
    cases: splitList(values.case),
    exclude: splitList(values.exclude),
  }
  const unmatched = unmatchedFilters(allCases(), selection)
  if (unmatched.length > 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `no case matches ${unmatched.join(', ')} (see: proxyspec list)`,
    )
  }
  const outDir = resolve(values.out ?? '.')

  if (config !== undefined) {
    process.stdout.write(`config: ${config.label}\n`)
    for (const note of config.notes) process.stdout.write(`${note}\n`)
  }
  const plan = planRun({ target, roles, fronts, selection }, allCases())
  // What this job runs: the whole run, or its shard's units (shard.ts).
  const mine = shard === undefined ? plan.units : dealShard(plan.units, plan.roles, shard)
  const perSuite = new Map<string, number>()
  for (const unit of mine) perSuite.set(unit.c.suite, (perSuite.get(unit.c.suite) ?? 0) + 1)
  const style = detectStyle(process.stdout)
  const progress = new RunProgress(process.stdout, style, { suites: perSuite, rounds })
  const controller = new AbortController()
  const onSignal = (): void => {
    controller.abort()
  }
  process.once('SIGINT', onSignal)
  // `proxyspec run | head`: the reader is gone, so the run stops as on Ctrl-C.
  const offClosed = onOutputClosed(onSignal)
  const attempts: RunResult[] = []
  // A later attempt of --repeat that cannot be made still leaves the reports
  // of the attempts that were; the error is raised once they are written.
  let cutShort: Error | undefined
  try {
    for (let round = 1; round <= rounds && !controller.signal.aborted; round += 1) {
      progress.startRound(round)
      const attempt = await executeRun(
        {
          target,
          roles,
          selection,
          fronts,
          timeoutMs,
          concurrency,
          strict,
          restartOnCrash,
          ...(originPort === undefined ? {} : { originPort }),
          ...(host === undefined ? {} : { host }),
          peer,
          ...(proxyAuth === undefined ? {} : { proxyAuth }),
          ...(balancerProfile === undefined ? {} : { balancerProfile }),
          ...(ftpMode === undefined ? {} : { ftpMode }),
          ...(ftpTimeoutS === undefined ? {} : { ftpTimeoutS }),
          ...(shard === undefined ? {} : { shard }),
          signal: controller.signal,
          onStart: (c, endpoint) => {
            progress.started(c.id, endpoint.role)
          },
          onResult: (result) => {
            progress.finished(result)
          },
          onCrash: (crash) => {
            progress.crashed(crash)
          },
          onUnsupportedFront: (role, front, reason) => {
            progress.unsupportedFront(role, front, reason)
          },
        },
        allCases(),
      ).catch((error: unknown) => {
        if (attempts.length === 0) throw error
        cutShort = error instanceof Error ? error : new Error(String(error))
        return undefined
      })
      if (attempt === undefined) break
      attempts.push(attempt)
    }
  } finally {
    progress.end()
    process.off('SIGINT', onSignal)
    offClosed()
  }

  let run = mergeRepeats(attempts)
  if (expectations !== undefined) {
    run = applyExpectations(run, expectations, new Date())
    // A shard holds a share of the results: an entry for another shard's case is not stale.
    for (const stale of shard === undefined ? unmatchedDeviations(run, expectations) : []) {
      process.stdout.write(
        `note: expectations entry "${stale.case}" matches no result of this run (a stale entry, or a typo?)\n`,
      )
    }
  }
  const diff: RunDiff | undefined = baseline === undefined ? undefined : diffRuns(baseline, run)
  const { written, failed } = await writeReports(run, formats, outDir, {
    strict,
    ...(diff === undefined ? {} : { diff }),
  })
  if (diff !== undefined) process.stdout.write(`\n${renderDiffText(diff)}\n`)
  if (shard !== undefined) {
    process.stdout.write(
      `shard ${shard.index}/${shard.count}: ${mine.length} of the run's ${plan.units.length} (case, role) units; proxyspec merge joins the ${shard.count} report.json files into the whole run's report\n`,
    )
  }
  process.stdout.write(
    `${formatSummary(
      run,
      written.map((w) => w.path),
    )}\n`,
  )
  if (cutShort !== undefined) throw cutShort
  if (failed.length > 0) {
    // What was written stays; the run is incomplete without the rest.
    throw new HarnessError(
      'HARNESS_INTERNAL',
      `could not write ${failed.map((f) => `the ${f.format} report (${f.reason})`).join('; ')}`,
    )
  }
  return exitCode(run, { strict, ...(diff === undefined ? {} : { diff }) })
}
