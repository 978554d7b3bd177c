import { HarnessError } from '../harness/net/errors.js'
import { diffRuns } from '../reports/diff.js'
import { readRunResultFile } from '../reports/read-files.js'
import { renderDiffMarkdown, renderDiffText } from '../reports/render-diff.js'
import { parseCommandArgs } from './args.js'
import { DIFF_USAGE } from './usage.js'

const OPTIONS = {
  json: { type: 'boolean' },
  md: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/**
 * `proxyspec diff base.json new.json`: new failures, fixes, changed verdicts,
 * added and removed cases. Exit 1 on a new MUST failure (not a declared
 * deviation), else 0; 2 when a file cannot be read or is not a RunResult.
 */
export async function commandDiff(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, 'proxyspec diff --help')
  if (values.help === true) {
    process.stdout.write(DIFF_USAGE)
    return 0
  }
  const [basePath, headPath, extra] = positionals
  if (basePath === undefined || headPath === undefined || extra !== undefined) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `diff takes two report.json files, base then new (see: proxyspec diff --help)`,
    )
  }
  if (values.json === true && values.md === true)
    throw new HarnessError('HARNESS_BAD_INPUT', '--json and --md exclude each other')
  const [base, head] = await Promise.all([
    readRunResultFile(basePath, 'base report'),
    readRunResultFile(headPath, 'new report'),
  ])
  const diff = diffRuns(base, head)
  process.stdout.write(
    values.json === true
      ? `${JSON.stringify(diff, null, 2)}\n`
      : values.md === true
        ? renderDiffMarkdown(diff)
        : renderDiffText(diff),
  )
  return diff.hasNewMustFailure ? 1 : 0
}
