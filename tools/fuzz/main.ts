// `npm run fuzz [-- RUNS [SEED]]`: the wire fuzzer at full size. Prints one JSON line.
import fc from 'fast-check'
import { wireInput } from './wire-inputs.js'
import { checkWireInput } from './wire-property.js'

const runs = Number(process.argv[2] ?? 100_000)
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31)
const started = performance.now()
const result = fc.check(fc.property(wireInput, checkWireInput), { numRuns: runs, seed })
const report = {
  target: 'harness/wire',
  runs: result.numRuns,
  seed,
  ms: Math.round(performance.now() - started),
  failed: result.failed,
  ...(result.failed
    ? { counterexample: JSON.stringify(result.counterexample), error: String(result.errorInstance) }
    : {}),
}
process.stdout.write(`${JSON.stringify(report)}\n`)
process.exitCode = result.failed ? 1 : 0
