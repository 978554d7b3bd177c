// RFC 9110 §9.3.6: a proxy that supports CONNECT restricts it to a known set of
// ports, so it cannot be used to reach arbitrary services. The case asks for a
// port the target was never told about (a fresh harness listener).
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { responseOf, statusLine } from '../support/request.js'

export const connectPortsCases = [
  defineCase({
    id: 'refuses-ports-outside-allow-list',
    title:
      'CONNECT to a port outside the allowed set is refused and the target port is never contacted',
    requirements: ['CONNECT-09'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'A proxy that supports CONNECT SHOULD restrict it to a limited set of known ports or a configurable list.',
    level: 'SHOULD',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const sink = await ctx.startTcp('sink')
      const client = await ctx.connect()
      await client.write(
        requestBytes({
          method: 'CONNECT',
          target: sink.authority,
          headers: [['Host', sink.authority]],
        }),
      )
      const read = responseOf(
        await client.readResponse({ requestMethod: 'CONNECT' }),
        `an answer to CONNECT ${sink.authority}`,
      )
      const status = read.head.status
      if (status >= 200 && status <= 299) {
        return violates(
          `a refusal (403) of CONNECT to unlisted port ${sink.port}`,
          `${statusLine(read)}: the tunnel was opened`,
        )
      }
      // A refusal must not have touched the port: the listener saw nothing by the time the answer came.
      if (sink.connections.length > 0) {
        return violates(
          'no connection to the refused port',
          `the target connected to port ${sink.port} before answering ${status}`,
        )
      }
      return conforms(`refused with ${status}`)
    },
  }),
]
