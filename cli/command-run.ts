import { resolve } from 'node:path'
import type { Role } from '../harness/model/roles.js'
import { executeRun } from '../harness/runner/run.js'
import { HarnessError } from '../harness/net/errors.js'
import { parseRole, parseTarget, type TargetSpec } from '../harness/target/target-spec.js'
import { renderJson } from '../reports/render-json.js'
import { writeFileAtomic } from '../reports/write-file.js'
import { allCases } from '../suites/index.js'
import { PEER_CLI_OPTIONS, peerOptionsFrom } from '../harness/peers/cli-options.js'
import { parseCommandArgs, parsePort, parsePositiveInt, splitList } from './args.js'
import { detectStyle, formatCaseLine, formatSummary } from './print-result.js'
import { RUN_USAGE } from './usage.js'

const OPTIONS = {
  target: { type: 'string' },
  spawn: { type: 'string' },
  role: { type: 'string', multiple: true },
  suite: { type: 'string', multiple: true },
  case: { type: 'string', multiple: true },
  out: { type: 'string' },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  'origin-port': { type: 'string' },
  strict: { type: 'boolean' },
  ...PEER_CLI_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const

/** `proxyspec run`: returns the exit code. */
export async function commandRun(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, 'proxyspec run --help')
  if (values.help === true) {
    process.stdout.write(RUN_USAGE)
    return 0
  }
  if (positionals.length > 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `unexpected argument "${positionals[0] ?? ''}" (see: proxyspec run --help)`,
    )
  }
  if (values.target !== undefined && values.spawn !== undefined) {
    throw new HarnessError('HARNESS_BAD_INPUT', '--target and --spawn exclude each other')
  }
  const target: TargetSpec =
    values.spawn !== undefined
      ? { kind: 'spawn', command: values.spawn, label: `spawn: ${values.spawn}` }
      : parseTarget(values.target ?? 'builtin:reference')
  const roles: Role[] = splitList(values.role).map(parseRole)
  const style = detectStyle(process.stdout)
  const controller = new AbortController()
  const onSignal = (): void => {
    controller.abort()
  }
  process.once('SIGINT', onSignal)
  try {
    const run = await executeRun(
      {
        target,
        roles,
        selection: { suites: splitList(values.suite), cases: splitList(values.case) },
        timeoutMs: parsePositiveInt(values.timeout, '--timeout', 3000, 100),
        concurrency: parsePositiveInt(values.concurrency, '--concurrency', 4),
        strict: values.strict === true,
        ...(values['origin-port'] === undefined
          ? {}
          : { originPort: parsePort(values['origin-port'], '--origin-port') }),
        peer: peerOptionsFrom(values),
        signal: controller.signal,
        onResult: (result) => {
          process.stdout.write(`${formatCaseLine(result, style)}\n`)
        },
      },
      allCases(),
    )
    const reportPath = resolve(values.out ?? '.', 'report.json')
    await writeFileAtomic(reportPath, renderJson(run))
    process.stdout.write(`${formatSummary(run, reportPath)}\n`)
    return run.summary.exitCode
  } finally {
    process.off('SIGINT', onSignal)
  }
}
