// RFC 9112 §3.2: Host is required of HTTP/1.1 requests only, so an HTTP/1.0
// CONNECT without Host is acceptable. RFC 9112 §6.1: chunked coding is never
// sent to an HTTP/1.0 recipient; RFC 9110 §15.2: nor a 1xx.
import { randomBytes } from 'node:crypto'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { closedPort, connectBytes, expectClosed, refusalOf } from '../support/connect-request.js'
import { responseOf, statusLine } from '../support/request.js'
import { expectBytes } from '../support/tunnel.js'
import { hasField } from '../../harness/wire/fields.js'

export const http10ConnectCases = [
  defineCase({
    id: 'accepts-http10-connect-without-host',
    title: 'An HTTP/1.0 CONNECT without Host gets a working tunnel',
    requirements: ['CONNECT-13'],
    spec: [
      { rfc: 9112, section: '3.2' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'Host is required only in HTTP/1.1 requests: an HTTP/1.0 CONNECT without it is accepted (interoperability).',
    level: 'INFO',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const client = await ctx.connect()
      await client.write(connectBytes(echo.authority, { version: 'HTTP/1.0', host: null }))
      const read = responseOf(
        await client.readResponse({ requestMethod: 'CONNECT' }),
        `a 2xx to "CONNECT ${echo.authority} HTTP/1.0" without Host`,
      )
      if (read.head.status < 200 || read.head.status > 299) {
        return violates('a tunnel for an HTTP/1.0 CONNECT without Host', statusLine(read))
      }
      const probe = randomBytes(1024)
      await client.write(probe)
      await expectBytes(client, probe, 'the probe echoed through the tunnel')
      return conforms()
    },
  }),
  defineCase({
    id: 'refuses-http10-connect-plainly',
    title:
      'A refused HTTP/1.0 CONNECT gets a non-2xx with no Transfer-Encoding and no 1xx, then the connection closes',
    requirements: ['CONNECT-13'],
    spec: [
      { rfc: 9112, section: '6.1' },
      { rfc: 9110, section: '15.2' },
    ],
    requirement:
      'A server must not send chunked coding or a 1xx to an HTTP/1.0 client; after refusing its CONNECT it closes.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const port = await closedPort()
      const client = await ctx.connect()
      await client.write(connectBytes(`127.0.0.1:${port}`, { version: 'HTTP/1.0', host: null }))
      const read = await client.readResponse({ requestMethod: 'CONNECT' })
      if (read.kind === 'response' && read.interim.length > 0) {
        return violates(
          'no 1xx to an HTTP/1.0 client',
          `${read.interim.length} interim response(s) before the final one`,
        )
      }
      if (read.kind === 'response' && hasField(read.message.head.headers, 'transfer-encoding')) {
        return violates(
          'no Transfer-Encoding in a response to an HTTP/1.0 client',
          `${statusLine(read.message)} with Transfer-Encoding`,
        )
      }
      if (read.kind === 'closed' && read.partial.length === 0) {
        // A refusal by closing: nothing 1.1-only was sent; the missing status is CONNECT-11's question.
        return conforms(
          `the target under test closed the connection (${read.how}) without a response: nothing HTTP/1.1-only reached the HTTP/1.0 client`,
        )
      }
      const refusal = refusalOf(read, `a refusal of "CONNECT 127.0.0.1:${port} HTTP/1.0"`)
      await expectClosed(client, 'the refusal', ctx.quietMs)
      return conforms(`refused with ${refusal.head.status}, plainly framed, then closed`)
    },
  }),
]
