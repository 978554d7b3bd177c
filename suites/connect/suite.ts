import { defineSuite } from '../../harness/engine/model/case.js'
import { chainedConnectCases } from './chained-connect.cases.js'
import { connectPortsCases } from './connect-ports.cases.js'
import { connectTargetCases } from './connect-target.cases.js'
import { earlyDataCases } from './early-data.cases.js'
import { gatewayConnectCases } from './gateway-connect.cases.js'
import { http10ConnectCases } from './http10-connect.cases.js'
import { proxyAuthConnectCases } from './proxy-auth.cases.js'
import { refusedConnectCases } from './refused-connect.cases.js'
import { replyVersionCases } from './reply-version.cases.js'
import { tunnelClosureCases } from './tunnel-closure.cases.js'
import { tunnelFramingCases } from './tunnel-framing.cases.js'
import { tunnelTransparencyCases } from './tunnel-transparency.cases.js'

export const connectSuite = defineSuite({
  id: 'connect',
  title: 'CONNECT and tunnels',
  cases: [
    ...connectTargetCases,
    ...tunnelFramingCases,
    ...tunnelTransparencyCases,
    ...earlyDataCases,
    ...refusedConnectCases,
    ...tunnelClosureCases,
    ...connectPortsCases,
    ...http10ConnectCases,
    ...chainedConnectCases,
    ...replyVersionCases,
    ...gatewayConnectCases,
    ...proxyAuthConnectCases,
  ],
})
