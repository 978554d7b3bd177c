import { defineSuite } from '../../harness/model/case.js'
import { connectionFieldCases } from './connection-field.cases.js'
import { viaFieldCases } from './via-field.cases.js'

export const hopByHopSuite = defineSuite({
  id: 'hop-by-hop',
  title: 'Hop-by-hop fields and forwarding',
  cases: [...connectionFieldCases, ...viaFieldCases],
})
