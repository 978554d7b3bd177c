import { defineSuite } from '../../harness/engine/model/case.js'
import { dataAddressCases } from './data-address.cases.js'
import { dataTimeoutCases } from './data-timeout.cases.js'
import { destinationCases } from './destination.cases.js'
import { passiveFallbackCases } from './passive-fallback.cases.js'
import { retrievalCases } from './retrieval.cases.js'

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
    ...dataAddressCases,
    ...passiveFallbackCases,
    ...dataTimeoutCases,
    ...destinationCases,
  ],
})
