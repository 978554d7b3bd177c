// RFC 9110 §9.3.6, RFC 9112 §6.3 rule 2: a 2xx to CONNECT turns the connection
// into a tunnel right after its header block, so it carries no framing fields.
// Not covered here: the chained variant (a next-hop proxy's 200 with CL/TE),
// nor CONNECT-04 and CONNECT-14: they need the run to start harness/nexthop
// and tell the target to use it, and neither RunEnvironment nor CaseContext
// carries a next hop yet. harness/reference/proxy/next-hop.test.ts proves the
// reference's side of all three.
import { randomBytes } from 'node:crypto'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { hasField } from '../../harness/wire/fields.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { responseOf, statusLine } from '../support/request.js'
import { expectBytes } from '../support/tunnel.js'

export const tunnelFramingCases = [
  defineCase({
    id: '2xx-has-no-framing-headers',
    title:
      'A 2xx response to CONNECT carries no Content-Length or Transfer-Encoding, and the tunnel starts right after it',
    requirements: ['CONNECT-03'],
    spec: [
      { rfc: 9110, section: '9.3.6' },
      { rfc: 9110, section: '8.6' },
      { rfc: 9112, section: '6.1' },
    ],
    requirement:
      'A server MUST NOT send Content-Length or Transfer-Encoding in a 2xx response to CONNECT.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const client = await ctx.connect()
      await client.write(
        requestBytes({
          method: 'CONNECT',
          target: echo.authority,
          headers: [['Host', echo.authority]],
        }),
      )
      const read = responseOf(
        await client.readResponse({ requestMethod: 'CONNECT' }),
        `a 2xx response to CONNECT ${echo.authority}`,
      )
      const { head } = read
      if (head.status < 200 || head.status > 299) {
        return violates(
          `a 2xx to CONNECT ${echo.authority} (an allowed echo target)`,
          statusLine(read),
        )
      }
      const framing = ['content-length', 'transfer-encoding'].filter((name) =>
        hasField(head.headers, name),
      )
      if (framing.length > 0) {
        return violates(
          'no Content-Length and no Transfer-Encoding in the 2xx',
          `${statusLine(read)} with ${framing.join(' and ')}`,
        )
      }
      // Tunnel integrity straight after the blank line: 1 KiB out, the same 1 KiB back.
      const probe = randomBytes(1024)
      await client.write(probe)
      await expectBytes(client, probe, 'the 1 KiB probe echoed back unchanged right after the 2xx')
      return conforms()
    },
  }),
]
