import { defineSuite } from '../../harness/engine/model/case.js'
import { blindRelayCases } from './blind-relay.cases.js'
import { earlyResponseCases } from './early-response.cases.js'
import { http10Cases } from './http10.cases.js'
import { perHopCases } from './per-hop.cases.js'
import { persistenceCases } from './persistence.cases.js'
import { pipeliningCases } from './pipelining.cases.js'
import { responseFramingCases } from './response-framing.cases.js'
import { retryCases } from './retry.cases.js'
import { tearDownCases } from './tear-down.cases.js'
import { upstreamReuseCases } from './upstream-reuse.cases.js'

export const keepAliveSuite = defineSuite({
  id: 'keep-alive',
  title: 'Persistent connections',
  cases: [
    ...persistenceCases,
    ...perHopCases,
    ...tearDownCases,
    ...upstreamReuseCases,
    ...http10Cases,
    ...blindRelayCases,
    ...responseFramingCases,
    ...pipeliningCases,
    ...retryCases,
    ...earlyResponseCases,
  ],
})
