import { HarnessError } from '../../harness/net/errors.js'
import { globToRegExp } from '../../harness/engine/runner/select.js'
import { allDefects, formatKillMatrix, runKillMatrix } from '../../test-fixtures/defects/index.js'
import type { SeededDefect } from '../../test-fixtures/defects/types.js'
import { parseCommandArgs, parsePositiveInt, splitList } from '../../cli/args.js'

export const KILL_MATRIX_USAGE = `Usage: npm run kill-matrix -- [--defect GLOB] [--timeout MS] [--json]

Runs every seeded defect (the reference with one realistic bug switched on) against the cases
that name it, and those cases against the reference, and prints a defect x case table per suite:
K killed, S survived, . not named; on the reference row p passes, F fails.

  --defect GLOB   only these defects, by name (repeatable, comma-separated): 'forwards-*'
  --timeout MS    per-case deadline (default 3000)
  --json          the matrix as JSON instead of the table

Exit codes: 0 every defect killed and the reference passes every case used; 1 a defect
survived or the reference failed; 2 the matrix could not be run (e.g. no defect matches).
`

const OPTIONS = {
  defect: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** What the command writes to and runs over; tests swap them. */
export interface KillMatrixIo {
  readonly out: (text: string) => void
  readonly defects: () => readonly SeededDefect[]
}

const defaultIo: KillMatrixIo = {
  out: (text) => process.stdout.write(text),
  defects: allDefects,
}

/**
 * `npm run kill-matrix` (a tool of this repository, not of the published
 * command: the seeded defects are test fixtures and do not ship): every seeded defect (or those --defect names)
 * against the cases that must catch it, the same cases against the
 * reference, printed as a defect × case table. Exit 0 when every defect is
 * killed and the reference passes, 1 otherwise, 2 when nothing matches.
 */
export async function commandKillMatrix(
  args: readonly string[],
  io: KillMatrixIo = defaultIo,
): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, 'npm run kill-matrix -- --help')
  if (values.help === true) {
    io.out(KILL_MATRIX_USAGE)
    return 0
  }
  const globs = splitList(values.defect).map(globToRegExp)
  const defects = io
    .defects()
    .filter((d) => globs.length === 0 || globs.some((glob) => glob.test(d.name)))
  if (defects.length === 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `no seeded defect matches ${splitList(values.defect).join(', ')} (see: npm run kill-matrix -- --help)`,
    )
  }
  const timeoutMs =
    values.timeout === undefined ? undefined : parsePositiveInt(values.timeout, '--timeout', 3000)
  const matrix = await runKillMatrix({
    defects,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  })
  io.out(
    values.json === true ? `${JSON.stringify(matrix, null, 2)}\n` : `${formatKillMatrix(matrix)}\n`,
  )
  const clean =
    matrix.rows.length > 0 &&
    matrix.survivors.length === 0 &&
    matrix.referenceFailures.length === 0 &&
    matrix.unknownCases.length === 0
  return clean ? 0 : 1
}
