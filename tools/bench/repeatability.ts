/**
 * `npm run repeat [-- N]`: N back-to-back full runs against the reference in
 * every role; every case must get the same verdict every time. Prints one
 * JSON object; exit 1 when any verdict varied.
 */
import { setMaxListeners } from 'node:events'
import { executeRun } from '../../harness/engine/runner/run.js'
import { parseTarget } from '../../harness/engine/target/target-spec.js'
import { allCases } from '../../suites/index.js'

export interface Repeatability {
  readonly runs: number
  readonly cases: number
  readonly identical: boolean
  /** "case [role]": the statuses seen, for every case whose verdict varied. */
  readonly varied: Readonly<Record<string, readonly string[]>>
  readonly ms: readonly number[]
}

export async function measureRepeatability(runs: number): Promise<Repeatability> {
  const seen = new Map<string, Set<string>>()
  const ms: number[] = []
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now()
    const result = await executeRun(
      { target: parseTarget('builtin:reference'), roles: [], selection: { suites: [], cases: [] } },
      allCases(),
    )
    ms.push(Math.round(performance.now() - started))
    for (const r of result.results) {
      const key = `${r.id} [${r.role}]`
      const statuses = seen.get(key) ?? new Set<string>()
      statuses.add(r.verdict.status)
      seen.set(key, statuses)
    }
  }
  const varied = Object.fromEntries(
    [...seen].filter(([, s]) => s.size > 1).map(([key, s]) => [key, [...s]]),
  )
  return { runs, cases: seen.size, identical: Object.keys(varied).length === 0, varied, ms }
}

if (process.argv[1]?.endsWith('repeatability.js') === true) {
  // As the command does (cli/run-main.ts): one listener per deadline in flight is no leak.
  setMaxListeners(200)
  const result = await measureRepeatability(Number(process.argv[2] ?? 20))
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exitCode = result.identical ? 0 : 1
}
