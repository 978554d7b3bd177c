// RFC 9110 §9.3.6: a non-2xx to CONNECT means no tunnel; it is an ordinary,
// framed response. RFC 9931 (its requirements for HTTP CONNECT; the section
// number in the published RFC was not checked): after rejecting an HTTP/1.1
// CONNECT the proxy closes the connection without processing any further data
// on it, Connection: close or not, so optimistic tunnel bytes can never be
// smuggled in as a request [B11]. RFC 9110 §15.6.3: an unreachable target is
// a 502 (504 for a timeout, §15.6.5).
// Not covered here: CONNECT-11's black-holed address (needs a firewall rule)
// and NXDOMAIN name (needs resolver control); only the refused port.
import { defineCase } from '../../harness/model/case.js'
import { conforms, observed, unsupported, violates } from '../../harness/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import {
  closedPort,
  connectBytes,
  expectClosed,
  readRefusal,
  somethingListens,
} from '../support/connect-request.js'
import { statusLine } from '../support/request.js'

export const refusedConnectCases = [
  defineCase({
    id: 'connect/closes-after-refusing',
    suite: 'connect',
    title:
      'A refused CONNECT gets a framed non-2xx, then the connection closes and a request sent after it is never served',
    requirements: ['CONNECT-06'],
    spec: [
      { rfc: 9110, section: '9.3.6' },
      { rfc: 9112, section: '9.6' },
    ],
    requirement:
      'After rejecting a CONNECT the proxy closes the connection and processes no further request on it, whether or not the CONNECT carried close.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const port = await closedPort()
      const client = await ctx.connect()
      await client.write(connectBytes(`127.0.0.1:${port}`))
      const refusal = await readRefusal(client, `a refusal of CONNECT to closed port ${port}`)
      if ('outcome' in refusal) return refusal.outcome
      // The request a vulnerable proxy would serve: on the same connection, after the refusal.
      await client.write(
        requestBytes({
          method: 'GET',
          // Absolute-form in every role: what a proxy that reads on would forward.
          target: `http://${ctx.origin.authority}${ctx.path('after-refused-connect')}`,
          headers: [['Host', ctx.originHost]],
        }),
      )
      const closed = await expectClosed(
        client,
        `the ${refusal.message.head.status} to CONNECT`,
        ctx.quietMs,
      )
      const served = ctx.origin.requests()
      if (served.length > 0) {
        return violates(
          'no request served after the refused CONNECT',
          `the origin received ${served[0]?.message.head.method ?? ''} ${served[0]?.message.head.target ?? ''} from that connection`,
        )
      }
      return closed ?? conforms(`refused with ${statusLine(refusal.message)}, then closed`)
    },
  }),
  defineCase({
    id: 'connect/never-parses-bytes-after-refused-connect',
    suite: 'connect',
    title:
      'A request written in the same segment as a refused CONNECT is never forwarded: the connection closes',
    requirements: ['CONNECT-07'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'Bytes after the CONNECT header block are never treated as a new HTTP request; a refused CONNECT closes the connection.',
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
      const refusal = await readRefusal(client, `a refusal of CONNECT to closed port ${port}`)
      if ('outcome' in refusal) return refusal.outcome
      const closed = await expectClosed(
        client,
        `the ${refusal.message.head.status} to CONNECT`,
        ctx.quietMs,
      )
      const served = ctx.origin.requests()
      if (served.length > 0) {
        return violates(
          'the POST after the refused CONNECT never to reach the origin',
          `the origin received ${served[0]?.message.head.method ?? ''} ${served[0]?.message.head.target ?? ''} (request smuggling)`,
        )
      }
      return closed ?? conforms(`refused with ${refusal.message.head.status}, nothing forwarded`)
    },
  }),
  defineCase({
    id: 'connect/answers-unreachable-target-with-gateway-error',
    suite: 'connect',
    title:
      'CONNECT to an allowed port where nothing listens gets a framed gateway error (502), never a 2xx, then close',
    requirements: ['CONNECT-11'],
    spec: [
      { rfc: 9110, section: '15.6.3' },
      { rfc: 9110, section: '15.6.5' },
    ],
    requirement:
      'When the destination cannot be reached the proxy answers with a gateway error (502 refused, 504 timed out), never a 2xx.',
    level: 'INFO',
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
      const refusal = await readRefusal(
        client,
        'a gateway error for CONNECT to 127.0.0.1:443 (refused)',
      )
      if ('outcome' in refusal) return refusal.outcome
      const closed = await client.waitForClose({ timeoutMs: ctx.quietMs })
      if (isTimeout(closed)) {
        return violates(
          'the connection closed after the error',
          `it stayed open ${Math.round(closed.afterMs)} ms`,
        )
      }
      const { status } = refusal.message.head
      return status === 502
        ? conforms('502 for a refused connection')
        : observed(
            `answered ${statusLine(refusal.message)} for a refused connection (502 expected)`,
          )
    },
  }),
]
