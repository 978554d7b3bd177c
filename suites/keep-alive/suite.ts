import { defineSuite } from '../../harness/model/case.js'
import { blindRelayCases } from './blind-relay.cases.js'
import { persistenceCases } from './persistence.cases.js'
import { tearDownCases } from './tear-down.cases.js'

export const keepAliveSuite = defineSuite({
  id: 'keep-alive',
  title: 'Persistent connections',
  cases: [...persistenceCases, ...tearDownCases, ...blindRelayCases],
})
