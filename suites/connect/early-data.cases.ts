// RFC 9110 §9.3.6: what a client sends after the CONNECT header block, before
// the 2xx, is tunnel data: delivered first and in order once the tunnel is up
// (optimistic TLS; apify/proxy-chain #284 [B12]). A CONNECT has no content, so
// Content-Length or Transfer-Encoding on it must not make the proxy swallow
// tunnel bytes as a "body": reject it (400, close) or ignore the framing.
import { randomBytes } from 'node:crypto'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { connectBytes, expectClosed } from '../support/connect-request.js'
import { responseOf, statusLine } from '../support/request.js'
import { expectBytes } from '../support/tunnel.js'

/** Bytes shaped like a TLS ClientHello record (content type 22, TLS 1.0 record version): what a browser sends first. */
function clientHelloLike(): Buffer {
  const body = randomBytes(512)
  body[0] = 0x01 // handshake type: client_hello
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), body])
}

/**
 * CONNECT with framing fields and `body` straight after the head, then a
 * ClientHello: either a 4xx and close, or a tunnel whose target receives
 * `body` followed by the ClientHello, all of it.
 */
async function framedConnect(ctx: CaseContext, framing: FieldLine, body: Buffer): Promise<Outcome> {
  const echo = await ctx.leaseTcp('echo')
  const accepted = echo.nextConnection(ctx.remainingMs())
  const hello = clientHelloLike()
  const expected = Buffer.concat([body, hello])
  const client = await ctx.connect()
  await client.write(connectBytes(echo.authority, { headers: [framing], after: expected }))
  const read = responseOf(
    await client.readResponse({ requestMethod: 'CONNECT' }),
    `an answer to CONNECT with ${typeof framing === 'string' ? framing : framing.join(': ')}`,
  )
  const { status } = read.head
  if (status >= 400 && status <= 499) {
    await expectClosed(client, `the ${status} to a framed CONNECT`, ctx.quietMs)
    return conforms(`rejected with ${status}, then closed`)
  }
  if (status < 200 || status > 299) {
    return violates('a 400 and close, or a tunnel', statusLine(read))
  }
  const conn = await accepted
  if (isTimeout(conn)) return timedOut('the tunnel to reach the echo target', conn.afterMs)
  const got = await echo.waitForBytes(conn.id, expected.length, ctx.quietMs)
  const received = isTimeout(got)
    ? (echo.connections.find((c) => c.id === conn.id)?.received ?? Buffer.alloc(0))
    : got.received
  if (!received.subarray(0, expected.length).equals(expected)) {
    return violates(
      `the target to receive the ${body.length}-byte "body" and then the ClientHello (${expected.length} bytes)`,
      received.length < expected.length
        ? `it received ${received.length} bytes: the "body" was consumed as CONNECT content`
        : 'different bytes',
    )
  }
  await expectBytes(client, expected, 'the same bytes echoed to the client')
  return conforms()
}

export const earlyDataCases = [
  defineCase({
    id: 'delivers-early-tunnel-data-first',
    title:
      'A ClientHello written in the same segment as the CONNECT reaches the target first, intact',
    requirements: ['CONNECT-07'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'Bytes after the CONNECT header block and before the 2xx are tunnel data: once the tunnel opens they are delivered first and in order.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const accepted = echo.nextConnection(ctx.remainingMs())
      const hello = clientHelloLike()
      const client = await ctx.connect()
      await client.write(connectBytes(echo.authority, { after: hello }))
      const read = responseOf(
        await client.readResponse({ requestMethod: 'CONNECT' }),
        `a 2xx to CONNECT ${echo.authority}`,
      )
      if (read.head.status < 200 || read.head.status > 299) {
        return violates(`a 2xx to CONNECT ${echo.authority}`, statusLine(read))
      }
      const conn = await accepted
      if (isTimeout(conn)) return timedOut('the tunnel to reach the echo target', conn.afterMs)
      const got = await echo.waitForBytes(conn.id, hello.length, ctx.quietMs)
      if (isTimeout(got) || !got.received.subarray(0, hello.length).equals(hello)) {
        const received = echo.connections.find((c) => c.id === conn.id)?.received.length ?? 0
        return violates(
          `the ${hello.length}-byte ClientHello first at the target`,
          `the target received ${received} bytes${received >= hello.length ? ' that differ' : ''}`,
        )
      }
      await expectBytes(client, hello, 'the ClientHello echoed back')
      return conforms()
    },
  }),
  defineCase({
    id: 'content-length-on-connect-swallows-nothing',
    title:
      'CONNECT with Content-Length: 5 and "HELLO": rejected with 400 and close, or the target receives HELLO then the TLS bytes',
    requirements: ['CONNECT-12'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'A CONNECT request has no content: framing fields on it are rejected, or ignored so every following byte is tunnel data; never consumed as a body.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    run: (ctx) => framedConnect(ctx, ['Content-Length', '5'], Buffer.from('HELLO')),
  }),
  defineCase({
    id: 'chunked-connect-swallows-nothing',
    title:
      'CONNECT with Transfer-Encoding: chunked and a chunked "HELLO": rejected with 400 and close, or all of it reaches the target',
    requirements: ['CONNECT-12'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'A CONNECT request has no content: framing fields on it are rejected, or ignored so every following byte is tunnel data; never consumed as a body.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    run: (ctx) =>
      framedConnect(ctx, ['Transfer-Encoding', 'chunked'], Buffer.from('5\r\nHELLO\r\n0\r\n\r\n')),
  }),
]
