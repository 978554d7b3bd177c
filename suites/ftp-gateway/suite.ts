import { defineSuite } from '../../harness/engine/model/case.js'
import { errorCases } from './errors.cases.js'
import { malformedCases } from './malformed.cases.js'
import { pageCases } from './pages.cases.js'
import { retrievalCases } from './retrieval.cases.js'
import { secretCases } from './secrets.cases.js'

/**
 * The HTTP→FTP protocol gateway (docs/requirements.md §13, role ftp-gateway):
 * each case scripts an FTP origin of its own (ctx.ftp) and reads its command
 * log beside the HTTP hops.
 */
export const ftpGatewaySuite = defineSuite({
  id: 'ftp-gateway',
  title: 'HTTP→FTP gateway',
  cases: [...retrievalCases, ...pageCases, ...secretCases, ...malformedCases, ...errorCases],
})
