import { defineSuite } from '../../harness/engine/model/case.js'
import { abandonedConnectionCases } from './abandoned-connection.cases.js'
import { activeCheckCases } from './active-check.cases.js'
import { backupCases } from './backup.cases.js'
import { cutResponseCases } from './cut-response.cases.js'
import { drainCases } from './drain.cases.js'
import { healthCheckCases } from './health-check.cases.js'
import { noBackendCases } from './no-backend.cases.js'
import { noRetryCases } from './no-retry.cases.js'
import { oneOutcomeCases } from './one-outcome.cases.js'
import { retryCases } from './retry.cases.js'
import { passiveCheckCases } from './passive-check.cases.js'
import { roundRobinCases } from './round-robin.cases.js'
import { sharesCases } from './shares.cases.js'
import { leastConnCases } from './least-conn.cases.js'
import { hashCases } from './hash.cases.js'
import { perRequestCases } from './per-request.cases.js'
import { stickyCases } from './sticky.cases.js'
import { limitsCases } from './limits.cases.js'
import { slowStartCases } from './slow-start.cases.js'

/**
 * Load balancing (docs/requirements.md §12): each case gets its own backends
 * and a fresh balancer in front of them (ConformanceCase.balancer).
 */
export const balancingSuite = defineSuite({
  id: 'balancing',
  title: 'Load balancing',
  cases: [
    ...noRetryCases,
    ...cutResponseCases,
    ...noBackendCases,
    ...abandonedConnectionCases,
    ...retryCases,
    ...oneOutcomeCases,
    ...healthCheckCases,
    ...activeCheckCases,
    ...backupCases,
    ...passiveCheckCases,
    ...roundRobinCases,
    ...sharesCases,
    ...leastConnCases,
    ...hashCases,
    ...perRequestCases,
    ...drainCases,
    ...stickyCases,
    ...limitsCases,
    ...slowStartCases,
  ],
})
