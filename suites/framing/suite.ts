import { defineSuite } from '../../harness/model/case.js'

export const framingSuite = defineSuite({
  id: 'framing',
  title: 'Message framing and request smuggling',
  cases: [],
})
