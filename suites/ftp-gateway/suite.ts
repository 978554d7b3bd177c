import { defineSuite } from '../../harness/engine/model/case.js'
import { confinementCases } from './confinement.cases.js'
import { headCases } from './head.cases.js'
import { listingLinkCases } from './listing-links.cases.js'
import { methodCases } from './methods.cases.js'
import { overheadCases } from './overhead.cases.js'
import { rangeCases } from './range.cases.js'
import { retrievalCases } from './retrieval.cases.js'
import { sessionIsolationCases } from './session-isolation.cases.js'
import { teardownCases } from './teardown.cases.js'

/**
 * The HTTP→FTP protocol gateway (docs/requirements.md §13, role ftp-gateway):
 * each case scripts an FTP origin of its own (ctx.ftp) and reads its command
 * log beside the HTTP hops.
 */
export const ftpGatewaySuite = defineSuite({
  id: 'ftp-gateway',
  title: 'HTTP→FTP gateway',
  cases: [
    ...retrievalCases,
    ...confinementCases,
    ...sessionIsolationCases,
    ...headCases,
    ...rangeCases,
    ...listingLinkCases,
    ...methodCases,
    ...teardownCases,
    ...overheadCases,
  ],
})
