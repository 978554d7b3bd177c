// The files a user hands the commands (--baseline, --expectations, the two
// runs of `proxyspec diff`), read with one-line errors that name the file:
// a bad input file is "the run could not be made" (exit 2), never a stack.
import { readFile } from 'node:fs/promises'
import { HarnessError } from '../harness/net/errors.js'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { loadExpectations, type Expectations } from './expectations.js'
import { parseRunResult } from './validate.js'

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `cannot read ${what} ${path}: ${reason ?? String(error)}`,
    )
  }
}

function parsed<T>(path: string, what: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new HarnessError('HARNESS_BAD_INPUT', `${what} ${path}: ${message}`)
  }
}

/** A report.json, validated against the shipped schema. */
export async function readRunResultFile(path: string, what = 'report'): Promise<RunResult> {
  const text = await readText(path, what)
  return parsed(path, what, () => parseRunResult(text))
}

/** An expectations file (reports/expectations.ts). */
export async function readExpectationsFile(path: string): Promise<Expectations> {
  const text = await readText(path, 'expectations file')
  return parsed(path, 'expectations file', () => loadExpectations(text))
}
