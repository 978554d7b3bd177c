import { HarnessError } from '../harness/net/errors.js'
import { globToRegExp } from '../harness/runner/select.js'
import { allDefects, formatKillMatrix, runKillMatrix } from '../test-fixtures/defects/index.js'
import type { SeededDefect } from '../test-fixtures/defects/types.js'
import { parseCommandArgs, parsePositiveInt, splitList } from './args.js'
import { KILL_MATRIX_USAGE } from './usage.js'

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
 * `proxyspec kill-matrix`: every seeded defect (or those --defect names)
 * against the cases that must catch it, the same cases against the
 * reference, printed as a defect × case table. Exit 0 when every defect is
 * killed and the reference passes, 1 otherwise, 2 when nothing matches.
 */
export async function commandKillMatrix(
  args: readonly string[],
  io: KillMatrixIo = defaultIo,
): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, 'proxyspec kill-matrix --help')
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
      `no seeded defect matches ${splitList(values.defect).join(', ')} (see: proxyspec kill-matrix --help)`,
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
