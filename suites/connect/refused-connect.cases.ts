// RFC 9110 §9.3.6: a non-2xx to CONNECT means no tunnel; it is an ordinary,
// framed response. "Any 2xx (Successful) response indicates that the sender
// (and all inbound proxies) will switch to tunnel mode immediately after the
// response header section": a 2xx for a destination that cannot be reached is a
// tunnel that does not exist (apache/trafficserver#7677, fixed by PR #13512).
// RFC 9931 §8 ("Requirements for HTTP CONNECT", updating RFC 9112, HTTP/1.1
// only): "proxy servers MUST close the underlying connection when rejecting a
// CONNECT request, without processing any further requests on that
// connection, unless the client is known to wait for a 2xx (Successful)
// response before forwarding TCP payload data [...]. This requirement applies
// whether or not the request includes a "close" connection option." The
// exception cannot apply here: the harness sends no User-Agent, so no proxy can
// know it waits (and in CONNECT-07 it visibly does not). RFC 9110 §9.3.6 and
// RFC 9112 §9.6 hold no such sentence; they are not cited for it.
// On these error paths any refusal with nothing forwarded conforms: a framed
// 4xx or 5xx (which one is INFO, CONNECT-11), or a close with no response at
// all. The missing status is graded once, by CONNECT-11, never again by
// CONNECT-06, -07 or -13. RFC 9110 §15.6.3: an unreachable target is a 502
// (504 for a timeout, §15.6.5); no sentence makes the status a MUST, so the
// choice, and a close with none, is INFO.
// Not covered here: CONNECT-11's black-holed address (needs a firewall rule)
// and NXDOMAIN name (needs resolver control); only the refused port.
import { defineCase } from '../../harness/engine/model/case.js'
import type { CloseKind } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import {
  conforms,
  observed,
  outcomeOf,
  unsupported,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import {
  closedPort,
  connectBytes,
  expectClosed,
  readRefusalOrClose,
  somethingListens,
} from '../support/connect-request.js'
import { responseOf, statusLine } from '../support/request.js'

export const refusedConnectCases = [
  // Fails on squid and Apache (they keep the connection after refusing and
  // parse what follows). Still a violation: RFC 9931 §8 "proxy servers MUST
  // close the underlying connection when rejecting a CONNECT request, without
  // processing any further requests on that connection" unless the client is
  // known to wait for the 2xx, which the harness does not signal.
  defineCase({
    id: 'closes-after-refusing',
    title:
      'A refused CONNECT gets a framed non-2xx, then the connection closes and a request sent after it is never served',
    requirements: ['CONNECT-06'],
    spec: [
      { rfc: 9931, section: '8' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'A proxy MUST close the connection when rejecting an HTTP/1.1 CONNECT, without processing further requests on it, unless it knows the client waits for a 2xx (RFC 9931 §8).',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const port = await closedPort()
      const client = await ctx.connect()
      await client.write(connectBytes(`127.0.0.1:${port}`))
      const refusal = await readRefusalOrClose(
        client,
        `a refusal of CONNECT to closed port ${port}`,
      )
      if ('silent' in refusal) return silentRefusal(ctx, refusal.silent)
      // The request a vulnerable proxy would serve: on the same connection, after the refusal.
      await client.write(
        requestBytes({
          method: 'GET',
          // Absolute-form in every role: what a proxy that reads on would forward.
          target: `http://${ctx.origin.authority}${ctx.path('after-refused-connect')}`,
          headers: [['Host', ctx.originHost]],
        }),
      )
      // A request served decides before a connection left open: held, not ended.
      const closed = await outcomeOf(
        expectClosed(client, `the ${refusal.message.head.status} to CONNECT`, ctx.quietMs).then(
          () => conforms(`refused with ${statusLine(refusal.message)}, then closed`),
        ),
      )
      const served = ctx.origin.requests()
      if (served.length > 0) {
        return violates(
          'no request served after the refused CONNECT',
          `the origin received ${served[0]?.message.head.method ?? ''} ${served[0]?.message.head.target ?? ''} from that connection`,
        )
      }
      return closed
    },
  }),
  defineCase({
    id: 'never-parses-bytes-after-refused-connect',
    title:
      'A request written in the same segment as a refused CONNECT is never forwarded: the connection closes',
    requirements: ['CONNECT-07'],
    spec: [
      { rfc: 9931, section: '8' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'Bytes after the CONNECT header block are never treated as a new HTTP request; a refused CONNECT closes the connection (RFC 9931 §8).',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const port = await closedPort()
      const smuggled = requestBytes({
        method: 'POST',
        target: `http://${ctx.origin.authority}${ctx.path('admin')}`,
        headers: [
          ['Host', ctx.originHost],
          ['Content-Length', '2'],
        ],
        body: 'hi',
      })
      const client = await ctx.connect()
      await client.write(connectBytes(`127.0.0.1:${port}`, { after: smuggled }))
      const refusal = await readRefusalOrClose(
        client,
        `a refusal of CONNECT to closed port ${port}`,
      )
      if ('silent' in refusal) return silentRefusal(ctx, refusal.silent)
      // What reached the origin decides before a connection left open: held, not ended.
      const closed = await outcomeOf(
        expectClosed(client, `the ${refusal.message.head.status} to CONNECT`, ctx.quietMs).then(
          () => conforms(`refused with ${refusal.message.head.status}, nothing forwarded`),
        ),
      )
      const served = ctx.origin.requests()
      if (served.length > 0) {
        return violates(
          'the POST after the refused CONNECT never to reach the origin',
          `the origin received ${served[0]?.message.head.method ?? ''} ${served[0]?.message.head.target ?? ''} (request smuggling)`,
        )
      }
      return closed
    },
  }),
  defineCase({
    id: 'answers-unreachable-target-with-gateway-error',
    title:
      'CONNECT to an allowed port where nothing listens is never answered with a 2xx; a gateway error (502) is expected',
    requirements: ['CONNECT-11'],
    spec: [
      { rfc: 9110, section: '9.3.6' },
      { rfc: 9110, section: '15.6.3' },
      { rfc: 9110, section: '15.6.5' },
    ],
    requirement:
      'A 2xx to CONNECT means the tunnel is up (RFC 9110 §9.3.6), so a refused destination never gets one; which error (502 refused, 504 timed out) is informational.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      // 443 is in every CONNECT allow-list; on a test machine nothing listens on it.
      if (await somethingListens(443, ctx.quietMs)) {
        return unsupported(
          'something listens on 127.0.0.1:443, so it cannot stand for a refused port',
        )
      }
      const client = await ctx.connect()
      await client.write(connectBytes('127.0.0.1:443'))
      const read = await client.readResponse({ requestMethod: 'CONNECT' })
      if (read.kind === 'closed' && read.partial.length === 0) {
        return observed(
          `the target under test closed the connection (${read.how}) without any response to CONNECT 127.0.0.1:443 (refused); a 502 was expected (RFC 9110 §15.6.3), but no sentence requires a status`,
        )
      }
      const answer = responseOf(read, 'an answer to CONNECT 127.0.0.1:443 (refused)')
      const { status } = answer.head
      if (status >= 200 && status <= 299) {
        const closed = await client.waitForClose({ timeoutMs: ctx.quietMs })
        return violates(
          'no 2xx for a destination that refused the connection: a 2xx to CONNECT means the tunnel is up (RFC 9110 §9.3.6)',
          `the target under test answered ${statusLine(answer)} ${isTimeout(closed) ? 'with no tunnel behind it (127.0.0.1:443 refused)' : `and then closed the connection (${closed.kind}): no tunnel`}`,
        )
      }
      const closed = await client.waitForClose({ timeoutMs: ctx.quietMs })
      // Closing after the refusal is CONNECT-06's rule; here it is only told.
      const after = isTimeout(closed) ? 'the connection stayed open' : 'then closed'
      return status === 502
        ? conforms(`502 for a refused connection, ${after}`)
        : observed(
            `the target under test answered ${statusLine(answer)} for a refused connection (502 expected, RFC 9110 §15.6.3), ${after}`,
          )
    },
  }),
]

/** CONNECT-06/-07: a refusal by closing with no response; conforms when nothing reached the origin. */
function silentRefusal(ctx: CaseContext, how: CloseKind): Outcome {
  const served = ctx.origin.requests()
  if (served.length > 0) {
    return violates(
      'no request served after the refused CONNECT',
      `the origin received ${served[0]?.message.head.method ?? ''} ${served[0]?.message.head.target ?? ''} from that connection`,
    )
  }
  return conforms(
    `the target under test closed the connection (${how}) without a response; nothing reached the origin (the missing status is CONNECT-11's question)`,
  )
}
