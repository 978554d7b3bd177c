import { defineSuite } from '../../harness/engine/model/case.js'
import { switchResponseCases } from './switch-response.cases.js'
import { switchRuleCases } from './switch-rules.cases.js'
import { upgradeRequestCases } from './upgrade-requests.cases.js'
import { websocketHandshakeCases } from './websocket-handshake.cases.js'
import { websocketTunnelCases } from './websocket-tunnel.cases.js'

export const upgradeSuite = defineSuite({
  id: 'upgrade',
  title: 'Upgrade, WebSocket and h2c',
  cases: [
    ...upgradeRequestCases,
    ...switchRuleCases,
    ...websocketHandshakeCases,
    ...switchResponseCases,
    ...websocketTunnelCases,
  ],
})
