// RFC 9112 §3.2.3, RFC 9110 §9.3.6: the CONNECT request-target is exactly
// host:port (authority-form), the port required and in range; the tunnel goes
// where the request-target says, whatever Host says (RFC 9112 §3.3).
// RFC 3986 §3.2.2: an IPv6 address in an authority is a bracketed IP-literal.
// The refusals are graded by: RFC 9110 §9.3.6, "A server MUST reject a CONNECT
// request that targets an empty or invalid port number, typically by
// responding with a 400 (Bad Request) status code." (a missing port too: the
// authority-form is uri-host ":" port, RFC 9112 §3.2.3), and for a URI as the
// target RFC 9112 §3, "Recipients of an invalid request-line SHOULD respond
// with either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect
// with the request-target properly encoded."
import { runVariants } from '../support/variants.js'
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  endCase,
  timedOut,
  unsupported,
  violates,
} from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { connectBytes } from '../support/connect-request.js'
import { responseOf, statusLine } from '../support/request.js'
import { startIpv6Twin } from '../support/ipv6-twin.js'
import { expectBytes } from '../support/tunnel.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { StartedTcpServer } from '../../harness/tcp/types.js'

/** Sends `CONNECT target` on a new connection; the case ends (endCase) unless it was refused with a 4xx. */
async function expectClientError(
  ctx: CaseContext,
  target: string,
  listener: StartedTcpServer,
  host?: string,
): Promise<void> {
  // A leased listener keeps the records of earlier cases: only new connections count.
  const before = listener.connections.length
  const client = await ctx.connect()
  await client.write(connectBytes(target, host === undefined ? {} : { host }))
  const result = await client.readResponse({ requestMethod: 'CONNECT' })
  await client.close()
  // Bytes forwarded are the verdict: a target that connected onwards and then
  // went silent is graded on the connection it made, not as a timeout.
  if (result.kind !== 'response' && listener.connections.length > before) {
    endCase(
      violates(
        `no connection anywhere for "CONNECT ${target}"`,
        `the target connected to ${listener.authority}${host === undefined ? '' : ' (the Host named it)'} and the client got ${result.kind === 'timeout' ? 'no answer' : result.kind}`,
      ),
    )
  }
  const read = responseOf(result, `a 4xx to the malformed "CONNECT ${target}"`)
  const { status } = read.head
  if (status < 400 || status > 499) {
    endCase(violates(`a 4xx (400) to "CONNECT ${target}"`, statusLine(read)))
  }
  if (listener.connections.length > before) {
    endCase(
      violates(
        `no connection anywhere for "CONNECT ${target}"`,
        `the target connected to ${listener.authority} before answering ${status}`,
      ),
    )
  }
}

export const connectTargetCases = [
  // Fails on every real forward peer (squid 5.7 and tinyproxy 1.11 try to
  // connect to "CONNECT 127.0.0.1" with no port; Apache 2.4 wraps port+65536
  // to 16 bits and tunnels). Still a violation: RFC 9110 §9.3.6 "A server MUST
  // reject a CONNECT request that targets an empty or invalid port number,
  // typically by responding with a 400 (Bad Request) status code.", and RFC
  // 9112 §3.2.3 makes the port part of authority-form (uri-host ":" port), so
  // a missing port is an invalid one.
  defineCase({
    id: 'refuses-missing-or-invalid-port',
    title:
      'CONNECT with a missing, empty, non-numeric or out-of-range port is refused with a 4xx and connects nowhere',
    requirements: ['CONNECT-01'],
    spec: [
      { rfc: 9110, section: '9.3.6' },
      { rfc: 9112, section: '3.2.3' },
    ],
    requirement:
      'A CONNECT request-target is host:port with the port given; anything else must be refused (400).',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      // An allowed listener: a port parser that wraps 16 bits turns port+65536 into it.
      const sink = await ctx.leaseTcp('sink')
      const targets = [
        sink.host,
        `${sink.host}:`,
        `${sink.host}:${sink.port + 65536}`,
        `${sink.host}:ab`,
      ]
      // Every variant runs and is reported, whatever the first one gave.
      return runVariants(
        ctx,
        targets.map(
          (target) =>
            [
              `CONNECT ${target}`,
              // runVariants grades each variant's own end (outcomeOf).
              async () => {
                await expectClientError(ctx, target, sink)
                return conforms('refused with a 4xx')
              },
            ] as const,
        ),
      )
    },
  }),
  defineCase({
    id: 'refuses-uri-form-target',
    title: 'CONNECT with a scheme and path ("http://host:port/") is refused and connects nowhere',
    requirements: ['CONNECT-01'],
    spec: [
      { rfc: 9112, section: '3.2' },
      { rfc: 9112, section: '3.2.3' },
    ],
    requirement:
      'The request-target of CONNECT is authority-form only; a URI is not a valid CONNECT target and should get 400.',
    level: 'SHOULD',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const sink = await ctx.leaseTcp('sink')
      await expectClientError(ctx, `http://${sink.authority}/`, sink, sink.authority)
      return conforms('refused with a 4xx')
    },
  }),
  defineCase({
    id: 'tunnels-to-request-target-not-host',
    title: 'The tunnel goes to the CONNECT request-target even when Host names another listener',
    requirements: ['CONNECT-02'],
    spec: [
      { rfc: 9112, section: '3.3' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'For authority-form, the target URI is the request-target: a conflicting Host does not change where the tunnel goes.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const decoy = await ctx.leaseTcp('sink')
      const decoyBefore = decoy.connections.length
      const accepted = echo.nextConnection(ctx.quietMs)
      const client = await ctx.connect()
      await client.write(connectBytes(echo.authority, { host: decoy.authority }))
      const read = responseOf(
        await client.readResponse({ requestMethod: 'CONNECT' }),
        `a 2xx to CONNECT ${echo.authority} (Host: ${decoy.authority})`,
      )
      if (read.head.status < 200 || read.head.status > 299) {
        return violates(`a 2xx to CONNECT ${echo.authority}`, statusLine(read))
      }
      const conn = await accepted
      if (decoy.connections.length > decoyBefore) {
        return violates(
          `the tunnel to ${echo.authority}, the request-target`,
          `the target connected to ${decoy.authority}, the Host field`,
        )
      }
      if (isTimeout(conn)) return timedOut(`a connection to ${echo.authority}`, conn.afterMs)
      const probe = Buffer.from(`tunnel for ${ctx.token}`)
      await client.write(probe)
      await expectBytes(client, probe, 'the probe echoed by the request-target')
      return conforms()
    },
  }),
  defineCase({
    id: 'tunnels-to-ipv6-literal',
    title: 'CONNECT [::1]:port opens a tunnel to the IPv6 loopback listener on that port',
    requirements: ['CONNECT-02'],
    spec: [
      { rfc: 9112, section: '3.2.3' },
      { rfc: 3986, section: '3.2.2' },
    ],
    requirement:
      'The authority-form host may be a bracketed IPv6 literal; the tunnel goes to that address and port.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    async run(ctx) {
      // Same port as an allowed IPv4 target, so the target's allow-list already holds it.
      const echo = await ctx.leaseTcp('echo')
      const twin = await startIpv6Twin(echo.port)
      if (twin === undefined) return unsupported(`the harness cannot listen on [::1]:${echo.port}`)
      try {
        const authority = `[::1]:${twin.port}`
        const client = await ctx.connect()
        await client.write(connectBytes(authority))
        const read = responseOf(
          await client.readResponse({ requestMethod: 'CONNECT' }),
          `a 2xx to CONNECT ${authority}`,
        )
        if (read.head.status < 200 || read.head.status > 299) {
          return violates(`a tunnel to ${authority}`, statusLine(read))
        }
        const probe = Buffer.from(`ipv6 tunnel for ${ctx.token}`)
        await client.write(probe)
        await expectBytes(client, probe, `the probe echoed by the [::1] listener`)
        return twin.accepted > 0
          ? conforms()
          : violates(`the tunnel to [::1]:${twin.port}`, 'the echo came from another listener')
      } finally {
        await twin.close()
      }
    },
  }),
]
