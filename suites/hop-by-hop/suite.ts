import { defineSuite } from '../../harness/engine/model/case.js'
import { authenticationFieldCases } from './authentication-fields.cases.js'
import { connectionFieldCases } from './connection-field.cases.js'
import { dateFieldCases } from './date-field.cases.js'
import { expectContinueCases } from './expect-continue.cases.js'
import { fieldOrderCases } from './field-order.cases.js'
import { hostAndTargetCases } from './host-and-target.cases.js'
import { httpVersionCases } from './http-version.cases.js'
import { interimResponseCases } from './interim-responses.cases.js'
import { loopCases } from './loops.cases.js'
import { maxForwardsCases } from './max-forwards.cases.js'
import { proxyAddedFieldCases } from './proxy-added-fields.cases.js'
import { proxyAuthorizationCases } from './proxy-authorization.cases.js'
import { trailerCases } from './trailers.cases.js'
import { unlistedHopFieldCases } from './unlisted-hop-fields.cases.js'
import { viaFieldCases } from './via-field.cases.js'

// In catalog order (HOP-01..19), so a report reads like the catalog.
export const hopByHopSuite = defineSuite({
  id: 'hop-by-hop',
  title: 'Hop-by-hop fields and forwarding',
  cases: [
    ...connectionFieldCases,
    ...unlistedHopFieldCases,
    ...proxyAddedFieldCases,
    ...viaFieldCases,
    ...maxForwardsCases,
    ...trailerCases,
    ...authenticationFieldCases,
    ...proxyAuthorizationCases,
    ...fieldOrderCases,
    ...httpVersionCases,
    ...hostAndTargetCases,
    ...dateFieldCases,
    ...interimResponseCases,
    ...expectContinueCases,
    ...loopCases,
  ],
})
