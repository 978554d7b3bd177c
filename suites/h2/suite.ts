import { defineSuite } from '../../harness/engine/model/case.js'
import { requestBodyCases } from './request-body.cases.js'
import { requestFieldCases } from './request-fields.cases.js'
import { pseudoHeaderCases } from './pseudo-headers.cases.js'
import { translationCases } from './translation.cases.js'
import { responseCases } from './responses.cases.js'
import { streamCases } from './streams.cases.js'
import { connectCases } from './connect.cases.js'
import { websocketCases } from './websocket.cases.js'
import { upstreamCases } from './upstream.cases.js'

/**
 * HTTP/2 at the front (docs/requirements.md §11, H2-xx): every case speaks h2
 * to the target (front 'h2': prior knowledge on cleartext, ALPN h2 behind
 * TLS) and an HTTP/1.1 harness origin stands behind it, whose bytes are the
 * evidence. Downgrade smuggling first.
 */
export const h2Suite = defineSuite({
  id: 'h2',
  title: 'HTTP/2 at the front (RFC 9113, RFC 8441)',
  cases: [
    ...requestBodyCases,
    ...requestFieldCases,
    ...pseudoHeaderCases,
    ...translationCases,
    ...responseCases,
    ...streamCases,
    ...connectCases,
    ...websocketCases,
    ...upstreamCases,
  ],
})
