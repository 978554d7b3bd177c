import { defineSuite } from '../../harness/engine/model/case.js'
import { controlReplyCases } from './control-replies.cases.js'
import { loginCases } from './login.cases.js'
import { metadataCases } from './metadata.cases.js'
import { retrievalCases } from './retrieval.cases.js'
import { urlMappingCases } from './url-mapping.cases.js'

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
    ...metadataCases,
    ...loginCases,
    ...urlMappingCases,
    ...controlReplyCases,
  ],
})
