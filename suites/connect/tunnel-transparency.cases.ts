// RFC 9110 §9.3.6, §3.7: once a CONNECT tunnel is up the intermediary is a
// blind relay: octets go both ways unchanged, even when they look like HTTP.
// RFC 7639 §2.3: the ALPN header of a CONNECT is advisory; a tunnel is not cut
// for a protocol the proxy does not know.
// Not covered here: CONNECT-15's 30 s of traffic per tunnel (a soak, not a case).
import { randomBytes } from 'node:crypto'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { connectBytes } from '../support/connect-request.js'
import { openTunnel } from '../support/connect.js'
import { responseOf, statusLine } from '../support/request.js'
import { expectBytes } from '../support/tunnel.js'

const MIB = 1024 * 1024

/** Binary that is hostile to text handling: NULs, bare CR and LF, CRLF pairs, high bytes. */
function awkwardBinary(): Buffer {
  const bytes = randomBytes(64 * 1024)
  for (let i = 0; i < bytes.length; i += 7) bytes[i] = [0, 0x0d, 0x0a, 0xff][i % 4] ?? 0
  return bytes
}

export const tunnelTransparencyCases = [
  defineCase({
    id: 'relays-tunnel-bytes-unchanged',
    title:
      'Tunnel bytes pass unchanged both ways: 1 MiB of random data, an HTTP request, binary with NULs',
    requirements: ['CONNECT-05'],
    spec: [
      { rfc: 9110, section: '9.3.6' },
      { rfc: 9110, section: '3.7' },
    ],
    requirement:
      'After a 2xx to CONNECT the intermediary only relays octets: nothing is parsed, rewritten, filtered or added.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const client = await openTunnel(ctx, echo.authority)
      // Each piece goes out on its own once the previous one is back, so an
      // HTTP-looking piece reaches the target as the start of a read.
      const pieces: [string, Buffer][] = [
        ['1 MiB of random bytes', randomBytes(MIB)],
        ['an HTTP request', Buffer.from(`GET /${ctx.token} HTTP/1.1\r\nHost: x\r\n\r\n`)],
        ['64 KiB of binary with NULs, CR and LF', awkwardBinary()],
      ]
      for (const [what, bytes] of pieces) {
        await client.write(bytes)
        await expectBytes(client, bytes, `${what} back through the tunnel unchanged`)
      }
      // Which direction changed them, if any: the target's own record of what arrived.
      const sent = Buffer.concat(pieces.map(([, bytes]) => bytes))
      const received = echo.connections.at(-1)?.received ?? Buffer.alloc(0)
      if (!received.equals(sent)) {
        return violates(
          `the target to receive exactly the ${sent.length} bytes sent`,
          `it received ${received.length} bytes that differ`,
        )
      }
      return conforms()
    },
  }),
  defineCase({
    id: 'keeps-tunnels-whatever-the-alpn-header',
    title:
      'CONNECT with "ALPN: h2, http%2F1.1", with an unknown ALPN protocol, and with none: each tunnel carries non-TLS bytes',
    requirements: ['CONNECT-15'],
    spec: [{ rfc: 7639, section: '2.3' }],
    requirement:
      'A proxy should not refuse or break a tunnel because it does not recognise the protocol in the ALPN header, or the bytes spoken.',
    level: 'SHOULD',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const variants: [string, FieldLine[]][] = [
        ['ALPN: h2, http%2F1.1', [['ALPN', 'h2, http%2F1.1']]],
        ['ALPN: x-unknown', [['ALPN', 'x-unknown']]],
        ['no ALPN header', []],
      ]
      for (const [label, headers] of variants) {
        const client = await ctx.connect()
        await client.write(connectBytes(echo.authority, { headers }))
        const read = responseOf(
          await client.readResponse({ requestMethod: 'CONNECT' }),
          `a 2xx to CONNECT with ${label}`,
        )
        if (read.head.status < 200 || read.head.status > 299) {
          return violates(`a tunnel for CONNECT with ${label}`, statusLine(read))
        }
        // Not TLS, not HTTP: what an unrecognised protocol looks like.
        const bytes = randomBytes(4096)
        await client.write(bytes)
        await expectBytes(client, bytes, `4 KiB through the tunnel with ${label}`)
        await client.close()
      }
      return conforms(`all ${variants.length} tunnels carried the bytes`)
    },
  }),
]
