// RFC 9112 §2.3, RFC 9110 §2.5: an intermediary that is not a tunnel sends
// its own HTTP version in the start line of what it forwards, not the
// version it received (the received one goes into Via, HOP-05).
// Not covered here: framing the body for an HTTP/1.0 client (KA-07).
import { defineCase } from '../../harness/model/case.js'
import { conforms, violates } from '../../harness/model/outcome.js'
import { rawResponse } from '../support/origin.js'
import { statusLine } from '../support/request.js'
import { requestAtOrigin, responseAtClient } from './exchange.js'

const HTTP11 = 'HTTP/1.1'

export const httpVersionCases = [
  defineCase({
    id: 'hop-by-hop/writes-own-version-in-request-line',
    suite: 'hop-by-hop',
    title: 'An HTTP/1.0 request is forwarded with the proxy’s own version, HTTP/1.1',
    requirements: ['HOP-12'],
    spec: [
      { rfc: 9112, section: '2.3' },
      { rfc: 9110, section: '2.5' },
    ],
    requirement:
      'An intermediary MUST send its own HTTP-version in forwarded messages, not the one it received.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, { version: 'HTTP/1.0' })
      if ('outcome' in seen) return seen.outcome
      const { head } = seen.request.message
      // The suite targets HTTP/1.1 intermediaries, so HTTP/1.1 is the proxy's own version.
      return head.version === HTTP11
        ? conforms()
        : violates(
            `the proxy's own version (${HTTP11}) in the request line`,
            `${head.method} ${head.target} ${head.version}`,
          )
    },
  }),
  defineCase({
    id: 'hop-by-hop/writes-own-version-in-status-line',
    suite: 'hop-by-hop',
    title: 'An HTTP/1.0 response is relayed with the proxy’s own version, HTTP/1.1',
    requirements: ['HOP-12'],
    spec: [
      { rfc: 9112, section: '2.3' },
      { rfc: 9110, section: '2.5' },
    ],
    requirement:
      'An intermediary MUST send its own HTTP-version in forwarded messages, not the one it received.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const read = await responseAtClient(ctx, rawResponse({ version: 'HTTP/1.0', close: true }))
      if ('outcome' in read) return read.outcome
      return read.message.head.version === HTTP11
        ? conforms()
        : violates(
            `the proxy's own version (${HTTP11}) in the status line`,
            statusLine(read.message),
          )
    },
  }),
]
