/**
 * `npm run -s stats-repeatability [-- RUNS SEED]`: how often a conformant
 * random balancer (independent draws by the declared shares, seeded) gets each
 * verdict from the distribution test, for the shares of the catalog table at
 * the N that sampleSize gives with its 500 floor. Prints one JSON object:
 * the exact rates (by enumeration, where tractable) beside the simulated ones.
 * Exit 1 when a simulated false-FAIL rate is clearly above α (beyond 3 σ).
 */
import { fileURLToPath } from 'node:url'
import { exactVerdictRates, simulatedVerdictRates } from '../../harness/stats/null-rates.js'
import { seededRandom } from '../../harness/stats/random.js'
import { sampleSize } from '../../harness/stats/sample-size.js'
import { CATALOG_THRESHOLDS } from '../../harness/stats/verdict.js'

const PROFILES: readonly (readonly number[])[] = [
  [1, 1],
  [1, 1, 1],
  [1, 1, 1, 1],
  [3, 1, 1],
  [5, 1, 1],
]

export interface RepeatabilityRow {
  readonly shares: readonly number[]
  readonly n: number
  readonly raw: number
  readonly exact?: { readonly fail: number; readonly warn: number }
  readonly simulated: { readonly runs: number; readonly fail: number; readonly warn: number }
  readonly notFail: number
}

export function measure(runs: number, seed: number): RepeatabilityRow[] {
  const random = seededRandom(seed)
  return PROFILES.map((shares) => {
    const { n, raw } = sampleSize({ shares })
    const simulated = simulatedVerdictRates(random, shares, n, runs)
    // Enumeration is exact but grows as N^(B−1): done for up to 3 backends.
    const exact = shares.length <= 3 ? exactVerdictRates(shares, n) : undefined
    const fail = exact?.fail ?? simulated.fail
    return {
      shares,
      n,
      raw,
      ...(exact === undefined ? {} : { exact: { fail: exact.fail, warn: exact.warn } }),
      simulated: { runs, fail: simulated.fail, warn: simulated.warn },
      notFail: 1 - fail,
    }
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 200_000)
  const seed = Number(process.argv[3] ?? 13)
  const rows = measure(runs, seed)
  const alpha = CATALOG_THRESHOLDS.fail
  const sigma = Math.sqrt((alpha * (1 - alpha)) / runs)
  const bad = rows.filter((r) => r.simulated.fail > alpha + 3 * sigma)
  console.log(JSON.stringify({ runs, seed, alpha, rows }, null, 2))
  process.exitCode = bad.length === 0 ? 0 : 1
}
