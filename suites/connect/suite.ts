import { defineSuite } from '../../harness/model/case.js'
import { connectPortsCases } from './connect-ports.cases.js'
import { tunnelClosureCases } from './tunnel-closure.cases.js'
import { tunnelFramingCases } from './tunnel-framing.cases.js'

export const connectSuite = defineSuite({
  id: 'connect',
  title: 'CONNECT and tunnels',
  cases: [...tunnelFramingCases, ...tunnelClosureCases, ...connectPortsCases],
})
