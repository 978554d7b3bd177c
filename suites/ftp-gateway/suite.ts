import { defineSuite } from '../../harness/engine/model/case.js'
import { completionCases } from './completion.cases.js'
import { framingCases } from './framing.cases.js'
import { injectionCases } from './injection.cases.js'
import { controlReplyCases } from './control-replies.cases.js'
import { loginCases } from './login.cases.js'
import { metadataCases } from './metadata.cases.js'
import { dataAddressCases } from './data-address.cases.js'
import { dataTimeoutCases } from './data-timeout.cases.js'
import { destinationCases } from './destination.cases.js'
import { passiveFallbackCases } from './passive-fallback.cases.js'
import { retrievalCases } from './retrieval.cases.js'
import { urlMappingCases } from './url-mapping.cases.js'
import { confinementCases } from './confinement.cases.js'
import { headCases } from './head.cases.js'
import { listingLinkCases } from './listing-links.cases.js'
import { methodCases } from './methods.cases.js'
import { overheadCases } from './overhead.cases.js'
import { rangeCases } from './range.cases.js'
import { sessionIsolationCases } from './session-isolation.cases.js'
import { teardownCases } from './teardown.cases.js'
import { errorCases } from './errors.cases.js'
import { malformedCases } from './malformed.cases.js'
import { pageCases } from './pages.cases.js'
import { secretCases } from './secrets.cases.js'

/**
 * The HTTP→FTP protocol gateway (docs/requirements.md §13, role ftp-gateway):
 * each case scripts an FTP origin of its own (ctx.ftp) and reads its command
 * log beside the HTTP hops.
 */
export const ftpGatewaySuite = defineSuite({
  id: 'ftp-gateway',
  title: 'HTTP→FTP gateway',
  cases: [
    ...injectionCases,
    ...framingCases,
    ...completionCases,
    ...retrievalCases,
    ...metadataCases,
    ...loginCases,
    ...urlMappingCases,
    ...controlReplyCases,
    ...dataAddressCases,
    ...passiveFallbackCases,
    ...dataTimeoutCases,
    ...destinationCases,
    ...confinementCases,
    ...sessionIsolationCases,
    ...headCases,
    ...rangeCases,
    ...listingLinkCases,
    ...methodCases,
    ...teardownCases,
    ...overheadCases,
    ...pageCases,
    ...secretCases,
    ...malformedCases,
    ...errorCases,
  ],
})
