// RFC 9110 §9.3.6 (tunnel closure): when one side closes, the intermediary
// delivers what it already has from that side, then closes toward the other.
// Not covered here: the 60 s bound on a side left half-open (a soak, not a case).
import { randomBytes } from 'node:crypto'
import { defineCase } from '../../harness/model/case.js'
import { conforms, timedOut, violates } from '../../harness/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { openTunnel } from '../support/connect.js'
import { expectBytes } from '../support/tunnel.js'

const PAYLOAD_BYTES = 1024 * 1024

export const tunnelClosureCases = [
  defineCase({
    id: 'connect/propagates-close-and-half-close',
    suite: 'connect',
    title:
      'A tunnel delivers every byte before a half-close and passes the close on in both directions',
    requirements: ['CONNECT-08'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'When either side closes, the tunnel first delivers the data it has from that side, then closes toward the other side.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const accepted = echo.nextConnection(ctx.remainingMs())
      const tunnel = await openTunnel(ctx, echo.authority)
      if ('outcome' in tunnel) return tunnel.outcome
      const { client } = tunnel
      const conn = await accepted
      if (isTimeout(conn)) return timedOut('the tunnel to reach the echo target', conn.afterMs)
      // 1 MiB and then FIN from the client: the echo target must get all of it and then the FIN...
      const payload = randomBytes(PAYLOAD_BYTES)
      await client.write(payload)
      await client.end()
      const ended = await echo.waitForPeerEnd(conn.id, ctx.remainingMs())
      if (isTimeout(ended)) {
        const got = echo.connections.find((c) => c.id === conn.id)?.received.length ?? 0
        return violates(
          'the client FIN passed on to the target after all 1 MiB',
          `the target got ${got} bytes and no FIN within ${Math.round(ended.afterMs)} ms`,
        )
      }
      if (!ended.received.equals(payload)) {
        return violates(
          'all 1 MiB delivered to the target before the FIN',
          `${ended.received.length} bytes arrived before the FIN`,
        )
      }
      // ...and the echo's own FIN, sent after echoing everything, must reach the client after all of it.
      const back = await expectBytes(
        client,
        payload,
        'all 1 MiB echoed back to the client before its FIN',
      )
      if (back !== undefined) return back
      const closed = await client.waitForClose()
      if (isTimeout(closed)) {
        return violates(
          'the target FIN passed on to the client',
          `the client connection stayed open ${Math.round(closed.afterMs)} ms after the target closed`,
        )
      }
      return conforms()
    },
  }),
]
