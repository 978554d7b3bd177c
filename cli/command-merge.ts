// `proxyspec merge`: the shards of one run (report.json of `proxyspec run
// --shard i/n`) back into the report the unsharded run would have written, or
// the shards of a matrix (matrix-shard-i-of-n.json of `proxyspec matrix
// --shard i/n`) into matrix.md and the site. Which kind the files are is read
// from them. Anything that makes the merge wrong (files of different runs, a
// shard missing or given twice, a file that is no shard) is refused with one
// line and exit 2, before anything is written.
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { HarnessError } from '../harness/net/errors.js'
import { diffRuns, type RunDiff } from '../reports/diff.js'
import { exitCode } from '../reports/exit-code.js'
import { parseReportFormats, type ReportFormat } from '../reports/index.js'
import { mergeMatrixShards, checkMatrixShard, MATRIX_SHARD_KIND } from '../reports/matrix/shard.js'
import { mergeShards } from '../reports/merge-shards.js'
import { readRunResultFile } from '../reports/read-files.js'
import { renderDiffText } from '../reports/render-diff.js'
import { checkRunResult } from '../reports/validate.js'
import { writeReports } from '../reports/write-reports.js'
import { parseCommandArgs, splitList } from './args.js'
import { reasonsFrom, siteUrlFrom, writeMatrixOutput } from './matrix-output.js'
import { formatSummary } from './print-result.js'
import { MERGE_USAGE } from './usage.js'

const OPTIONS = {
  report: { type: 'string', multiple: true },
  out: { type: 'string' },
  baseline: { type: 'string' },
  site: { type: 'string' },
  'site-url': { type: 'string' },
  reasons: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The options only one kind of shard takes, for the refusal of the other. */
const RUN_ONLY = ['report', 'baseline'] as const
const MATRIX_ONLY = ['site', 'site-url', 'reasons'] as const

const bad = (message: string): HarnessError => new HarnessError('HARNESS_BAD_INPUT', message)

type ShardFile =
  | { readonly kind: 'run'; readonly path: string; readonly run: RunResult }
  | {
      readonly kind: 'matrix'
      readonly path: string
      readonly shard: ReturnType<typeof checkMatrixShard>
    }

/** One file, read and told apart: a run's report, or a matrix shard; one line otherwise. */
async function readShardFile(path: string): Promise<ShardFile> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code
    throw bad(`cannot read ${path}: ${reason ?? String(error)}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw bad(`${path}: not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const fields =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  if (fields?.kind === MATRIX_SHARD_KIND)
    return { kind: 'matrix', path, shard: checkMatrixShard(value, path) }
  if (fields?.schemaVersion === undefined || fields.results === undefined) {
    throw bad(
      `${path} is neither a report.json of proxyspec run --shard nor a matrix shard of proxyspec matrix --shard`,
    )
  }
  try {
    return { kind: 'run', path, run: checkRunResult(value) }
  } catch (error) {
    throw bad(`${path}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

function reportFormats(values: readonly string[] | undefined): ReportFormat[] {
  if (values === undefined) return ['json']
  try {
    return parseReportFormats(values.join(','))
  } catch (error) {
    throw bad(`--report: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** `proxyspec merge FILE…`: returns the exit code (the merged run's, or 0 for a matrix). */
export async function commandMerge(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, 'proxyspec merge --help')
  if (values.help === true) {
    process.stdout.write(MERGE_USAGE)
    return 0
  }
  if (positionals.length === 0)
    throw bad('nothing to merge: name the shard files (see: proxyspec merge --help)')
  const files: ShardFile[] = []
  for (const path of positionals) files.push(await readShardFile(path))
  const kinds = new Set(files.map((f) => f.kind))
  if (kinds.size > 1) {
    const run = files.find((f) => f.kind === 'run')!
    const matrix = files.find((f) => f.kind === 'matrix')!
    throw bad(
      `${matrix.path} is a matrix shard and ${run.path} a run's report: merge one kind at a time`,
    )
  }
  const kind = files[0]!.kind
  const foreign = (kind === 'run' ? MATRIX_ONLY : RUN_ONLY).filter((o) => values[o] !== undefined)
  if (foreign.length > 0) {
    throw bad(
      `--${foreign[0] ?? ''} is for ${kind === 'run' ? 'matrix shards' : 'run shards (report.json)'}; these are ${kind === 'run' ? 'run shards: they take --report, --out and --baseline' : 'matrix shards: they take --out, --site, --site-url and --reasons'}`,
    )
  }
  if (kind === 'matrix') {
    const infos = mergeMatrixShards(
      files.flatMap((f) => (f.kind === 'matrix' ? [{ path: f.path, shard: f.shard }] : [])),
    )
    const siteUrl = siteUrlFrom(values['site-url'])
    await writeMatrixOutput(infos, {
      outDir: resolve(values.out ?? 'docs'),
      siteDir: resolve(values.site ?? 'matrix-site'),
      ...(siteUrl === undefined ? {} : { siteUrl }),
      ...reasonsFrom(values.reasons),
    })
    return 0
  }
  const formats = reportFormats(splitList(values.report).length > 0 ? values.report : undefined)
  const baseline =
    values.baseline === undefined ? undefined : await readRunResultFile(values.baseline, 'baseline')
  const run = mergeShards(
    files.flatMap((f) => (f.kind === 'run' ? [{ path: f.path, run: f.run }] : [])),
  )
  const diff: RunDiff | undefined = baseline === undefined ? undefined : diffRuns(baseline, run)
  const strict = run.run.options.strict
  const { written, failed } = await writeReports(run, formats, resolve(values.out ?? '.'), {
    strict,
    ...(diff === undefined ? {} : { diff }),
  })
  if (diff !== undefined) process.stdout.write(`\n${renderDiffText(diff)}\n`)
  process.stdout.write(
    `merged ${files.length} shards: ${formatSummary(
      run,
      written.map((w) => w.path),
    )}\n`,
  )
  if (failed.length > 0) {
    throw new HarnessError(
      'HARNESS_INTERNAL',
      `could not write ${failed.map((f) => `the ${f.format} report (${f.reason})`).join('; ')}`,
    )
  }
  return exitCode(run, { strict, ...(diff === undefined ? {} : { diff }) })
}
