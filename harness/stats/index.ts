export {
  chiSquareCdf,
  chiSquareCritical,
  chiSquareSurvival,
  noncentralChiSquareCdf,
} from './chi-square.js'
export {
  multiWorkerBand,
  reduceWeights,
  roundRobinPeriodic,
  weightedWindows,
} from './deterministic.js'
export type { BandCheck, BandRow, PeriodicCheck, WindowCheck } from './deterministic.js'
export { gammaP, gammaQ, lnGamma } from './gamma.js'
export {
  chiSquareGoodnessOfFit,
  EXACT_OUTCOME_LIMIT,
  exactMultinomialTest,
  goodnessOfFit,
  normalizeShares,
  outcomeCount,
} from './goodness-of-fit.js'
export type { FitTest, GoodnessOfFit } from './goodness-of-fit.js'
export { exactVerdictRates, multinomialDraw, simulatedVerdictRates } from './null-rates.js'
export type { VerdictRates } from './null-rates.js'
export { seededRandom, xoshiro128ss } from './random.js'
export type { SeededRandom } from './random.js'
export { alternatives, chiSquarePower, sampleSize } from './sample-size.js'
export type { Alternative, SampleSize, SampleSizeOptions } from './sample-size.js'
export { CATALOG_THRESHOLDS, starved, verdictOf } from './verdict.js'
export type { Starvation, StatisticalVerdict, Thresholds } from './verdict.js'
