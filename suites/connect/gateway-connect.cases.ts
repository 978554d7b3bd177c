// CONNECT sent to a reverse proxy (gateway). Nothing obliges a gateway to
// support CONNECT: a refusal, framed or by closing, always conforms, and so do
// the proxy-only rules a refusal would otherwise be held to (CONNECT-06/-07 bind
// "proxy servers", RFC 9931 §8; they are not run here). What binds every
// server is the shape of a 2xx: RFC 9110 §9.3.6 "A server MUST NOT send any
// Transfer-Encoding or Content-Length header fields in a 2xx (Successful)
// response to CONNECT." A gateway that forwards the CONNECT to its upstream as
// an ordinary request and relays the origin's "200 OK" re-framed (chunked, or
// with the origin's Content-Length) breaks that, and its client takes the
// framed body as tunnel data.
// The harness origin answers any CONNECT that reaches it with 200 and a
// Content-Length body (its default answer), so a forwarding gateway shows it.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { connectBytes, framingFields } from '../support/connect-request.js'
import { responseOf, statusLine } from '../support/request.js'

export const gatewayConnectCases = [
  defineCase({
    id: 'gateway-2xx-has-no-framing-headers',
    title:
      'A reverse proxy may refuse CONNECT; if it answers 2xx, the 2xx carries no Content-Length or Transfer-Encoding',
    requirements: ['CONNECT-03'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'A server MUST NOT send Transfer-Encoding or Content-Length in a 2xx response to CONNECT; refusing CONNECT is always allowed.',
    level: 'MUST',
    roles: ['reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      await client.write(connectBytes(ctx.origin.authority))
      const result = await client.readResponse({ requestMethod: 'CONNECT' })
      if (result.kind === 'closed' && result.partial.length === 0) {
        return conforms(
          `the target under test refused CONNECT by closing the connection (${result.how})`,
        )
      }
      const read = responseOf(result, `an answer to CONNECT ${ctx.origin.authority}`)
      await client.close()
      const { status } = read.head
      if (status < 200 || status > 299) {
        return conforms(`refused with ${statusLine(read)}: a gateway need not tunnel`)
      }
      const framing = framingFields(read)
      if (framing.length > 0) {
        return violates(
          'a 2xx to CONNECT with no Content-Length and no Transfer-Encoding (or a refusal)',
          `the target under test answered ${statusLine(read)} with ${framing.join(' and ')}`,
        )
      }
      return conforms(`${statusLine(read)} with no framing fields`)
    },
  }),
]
