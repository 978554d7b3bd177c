import { defineSuite } from '../../harness/model/case.js'

export const tlsSuite = defineSuite({
  id: 'tls',
  title: 'TLS certificates verified and presented',
  cases: [],
})
