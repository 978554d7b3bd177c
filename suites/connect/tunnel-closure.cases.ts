// RFC 9110 §9.3.6 (tunnel closure): "A tunnel is closed when a tunnel
// intermediary detects that either side has closed its connection: the
// intermediary MUST attempt to send any outstanding data that came from the
// closed side to the other side, close both connections, and then discard any
// remaining data left undelivered."
// So the MUST is delivery: what the client sent before its FIN reaches the
// target, then a close. Closing BOTH connections on the client's FIN is what
// the sentence describes, never a failure; passing the half-close on instead
// (the other direction keeps flowing until the target closes too) is common
// TCP practice and is only reported (INFO): no sentence asks for it.
// The target is a sink (reads everything, writes nothing): an echo would stop
// reading once its replies back up into a tunnel whose intermediary closed both
// sides, and the bytes it never read would be the harness's doing, not a loss.
// Not covered here: the mirror direction (a target that writes and then closes
// first; the leased CONNECT targets have none) and the 60 s bound on a side
// left half-open (a soak, not a case).
import { randomBytes } from 'node:crypto'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { openTunnel } from '../support/connect.js'

const PAYLOAD_BYTES = 1024 * 1024

export const tunnelClosureCases = [
  defineCase({
    id: 'delivers-client-data-before-closing',
    aliases: ['connect/propagates-close-and-half-close'],
    title:
      'Everything the client sent before its FIN reaches the target, then the target sees the close',
    requirements: ['CONNECT-08'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'When one side closes, the intermediary MUST attempt to send the outstanding data from that side to the other, then close both connections.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const sink = await ctx.leaseTcp('sink')
      const accepted = sink.nextConnection(ctx.remainingMs())
      const client = await openTunnel(ctx, sink.authority)
      const conn = await accepted
      if (isTimeout(conn)) return timedOut('the tunnel to reach the sink target', conn.afterMs)
      const payload = randomBytes(PAYLOAD_BYTES)
      await client.write(payload)
      await client.end()
      ctx.note(`the harness client wrote ${payload.length} bytes, then FIN`)
      const ended = await sink.waitForPeerEnd(conn.id, ctx.remainingMs())
      if (isTimeout(ended)) {
        const got = sink.connections.find((c) => c.id === conn.id)?.received.length ?? 0
        return violates(
          `the target to get all ${payload.length} bytes and then the close`,
          `the target under test delivered ${got} bytes to the harness sink and no close within ${Math.round(ended.afterMs)} ms`,
        )
      }
      ctx.note(`the harness sink got ${ended.received.length} bytes, then the close`)
      if (!ended.received.equals(payload)) {
        const same =
          ended.received.length <= payload.length &&
          payload.subarray(0, ended.received.length).equals(ended.received)
        return violates(
          `all ${payload.length} bytes the client sent before its FIN delivered to the target`,
          same
            ? `the target under test delivered only the first ${ended.received.length} bytes, then closed toward the harness sink`
            : `the target under test delivered ${ended.received.length} bytes that differ from what the client sent`,
        )
      }
      // Both a close toward the client (close-both) and a kept-open client side (half-close) conform.
      const closed = client.peerState !== 'open'
      return conforms(
        `all ${payload.length} bytes, then the close; the client connection is ${closed ? 'closed too (both closed)' : 'still open (half-close passed on)'}`,
      )
    },
  }),
  defineCase({
    id: 'passes-half-close-on',
    title:
      "After the client's FIN the tunnel stays open toward the client while the target's side is open",
    requirements: ['CONNECT-08'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'Closing both connections when one side closes is what RFC 9110 §9.3.6 describes; passing the half-close on instead is reported for information only.',
    level: 'INFO',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      // The sink keeps its own half open after the client's FIN: only a half-close keeps the client's open.
      const sink = await ctx.leaseTcp('sink')
      const accepted = sink.nextConnection(ctx.remainingMs())
      const client = await openTunnel(ctx, sink.authority)
      const conn = await accepted
      if (isTimeout(conn)) return timedOut('the tunnel to reach the sink target', conn.afterMs)
      const probe = Buffer.from(`half-close probe ${ctx.token}`)
      await client.write(probe)
      await client.end()
      const ended = await sink.waitForPeerEnd(conn.id, ctx.remainingMs())
      if (isTimeout(ended)) return timedOut("the client's FIN to reach the sink", ended.afterMs)
      const closed = await client.waitForClose({ timeoutMs: ctx.quietMs })
      if (!isTimeout(closed)) {
        return violates(
          "the client side kept open after the client's FIN while the target's side stays open (half-close passed on)",
          `the target under test closed the client connection (${closed.kind}) as soon as the client closed: it closes both sides, which RFC 9110 §9.3.6 allows`,
        )
      }
      return conforms(
        `the client connection stayed open ${ctx.quietMs} ms after its FIN reached the target: the half-close was passed on`,
      )
    },
  }),
]
