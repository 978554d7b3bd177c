import { defineSuite } from '../../harness/engine/model/case.js'
import { originatorHandshakeCases } from './originator-handshake.cases.js'
import { originatorIdentityCases } from './originator-identity.cases.js'
import { originatorTrustCases } from './originator-trust.cases.js'
import { terminatorCases } from './terminator.cases.js'
import { tunnelIntegrityCases } from './tunnel-integrity.cases.js'

export const tlsSuite = defineSuite({
  id: 'tls',
  title: 'TLS certificates verified and presented',
  cases: [
    ...originatorTrustCases,
    ...originatorIdentityCases,
    ...originatorHandshakeCases,
    ...terminatorCases,
    ...tunnelIntegrityCases,
  ],
})
