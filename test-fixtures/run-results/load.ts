import { readFileSync } from 'node:fs'
import type { RunResult } from '../../harness/engine/model/run-result.js'

/** The golden RunResults renderers and the diff are tested against. */
export type GoldenRun = 'all-pass' | 'mixed-verdicts' | 'regression/base' | 'regression/head'

/** Reads a golden RunResult from this folder (tests only; the files are the fixtures). */
export function loadGoldenRun(name: GoldenRun): RunResult {
  return JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')) as RunResult
}
