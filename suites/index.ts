import type { ConformanceCase, Suite } from '../harness/engine/model/case.js'
import { balancingSuite } from './balancing/suite.js'
import { connectSuite } from './connect/suite.js'
import { framingSuite } from './framing/suite.js'
import { ftpGatewaySuite } from './ftp-gateway/suite.js'
import { h2Suite } from './h2/suite.js'
import { hopByHopSuite } from './hop-by-hop/suite.js'
import { keepAliveSuite } from './keep-alive/suite.js'
import { tlsSuite } from './tls/suite.js'
import { upgradeSuite } from './upgrade/suite.js'

/** Every suite, in presentation order. */
export const allSuites: readonly Suite[] = [
  connectSuite,
  hopByHopSuite,
  keepAliveSuite,
  framingSuite,
  upgradeSuite,
  tlsSuite,
  balancingSuite,
  ftpGatewaySuite,
  h2Suite,
]

/** The whole catalog, checked once for duplicate ids across suites. */
export function allCases(): readonly ConformanceCase[] {
  const cases = allSuites.flatMap((suite) => suite.cases)
  const seen = new Set<string>()
  for (const c of cases) {
    if (seen.has(c.id)) throw new TypeError(`[proxyspec] duplicate case id "${c.id}"`)
    seen.add(c.id)
  }
  return cases
}
