#!/usr/bin/env node
// The proxyspec command: parses the command word and hands over. Every failure
// that is not a verdict ends here as one line on stderr and exit code 2.
import { toolVersion } from '../harness/engine/runner/tool-version.js'
import { runMain } from './run-main.js'
import { commandCoverage } from './command-coverage.js'
import { commandDiff } from './command-diff.js'
import { commandList } from './command-list.js'
import { commandMatrix } from './command-matrix.js'
import { commandMerge } from './command-merge.js'
import { MATRIX_USAGE } from './usage.js'
import { commandReference } from './command-reference.js'
import { commandRun } from './command-run.js'
import {
  COVERAGE_USAGE,
  DIFF_USAGE,
  LIST_USAGE,
  MAIN_USAGE,
  MERGE_USAGE,
  REFERENCE_USAGE,
  RUN_USAGE,
} from './usage.js'

const HELP: Record<string, string> = {
  run: RUN_USAGE,
  list: LIST_USAGE,
  reference: REFERENCE_USAGE,
  matrix: MATRIX_USAGE,
  diff: DIFF_USAGE,
  merge: MERGE_USAGE,
  coverage: COVERAGE_USAGE,
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'run':
      return commandRun(rest)
    case 'list':
      return commandList(rest)
    case 'reference':
      return commandReference(rest)
    case 'diff':
      return commandDiff(rest)
    case 'coverage':
      return commandCoverage(rest)
    case 'matrix':
      return commandMatrix(rest)
    case 'merge':
      return commandMerge(rest)
    case 'kill-matrix':
      // The seeded defects are test fixtures and do not ship: the tool runs from a checkout.
      process.stderr.write(
        'proxyspec: kill-matrix is a tool of the proxyspec repository: run "npm run kill-matrix -- ARGS" in a checkout\n',
      )
      return 2
    case undefined:
    case 'help':
    case '-h':
    case '--help': {
      const topic = command === 'help' ? rest[0] : undefined
      if (topic !== undefined && HELP[topic] === undefined) {
        process.stderr.write(
          `proxyspec: no help for "${topic}": not a command (commands: ${Object.keys(HELP).join(', ')})\n`,
        )
        return 2
      }
      process.stdout.write(
        topic !== undefined && HELP[topic] !== undefined ? HELP[topic] : MAIN_USAGE,
      )
      return 0
    }
    case '-v':
    case '--version':
      process.stdout.write(`${toolVersion()}\n`)
      return 0
    default:
      process.stderr.write(`proxyspec: unknown command "${command}" (see: proxyspec --help)\n`)
      return 2
  }
}

runMain(() => main(process.argv.slice(2)))
