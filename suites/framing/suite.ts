import { defineSuite } from '../../harness/engine/model/case.js'
import { chunkedCases } from './chunked.cases.js'
import { clTeCases } from './cl-te.cases.js'
import { contentLengthCases } from './content-length.cases.js'
import { fieldSyntaxCases } from './field-syntax.cases.js'
import { requestLineCases } from './request-line.cases.js'
import { responseFieldCases } from './response-fields.cases.js'
import { responseBoundaryCases } from './response-boundaries.cases.js'
import { transferEncodingCases } from './transfer-encoding.cases.js'

export const framingSuite = defineSuite({
  id: 'framing',
  title: 'Message framing and request smuggling',
  cases: [
    ...clTeCases,
    ...contentLengthCases,
    ...transferEncodingCases,
    ...fieldSyntaxCases,
    ...responseFieldCases,
    ...chunkedCases,
    ...responseBoundaryCases,
    ...requestLineCases,
  ],
})
