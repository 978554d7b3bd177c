import { defineSuite } from '../../harness/model/case.js'

export const upgradeSuite = defineSuite({
  id: 'upgrade',
  title: 'Upgrade, WebSocket and h2c',
  cases: [],
})
