import type { RunResult } from '../harness/engine/model/run-result.js'

export function renderJson(run: RunResult): string {
  return `${JSON.stringify(run, null, 2)}\n`
}
