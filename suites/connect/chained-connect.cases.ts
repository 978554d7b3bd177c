// The target as the CONNECT client of a next-hop proxy (harness/nexthop, "U";
// spawned targets are told {next_hop}). RFC 9110 §9.3.6: the 2xx the target
// sends is its own, so it carries no Content-Length or Transfer-Encoding even
// when U's did. RFC 9112 §6.3 rule 2: after U's 2xx header block the
// connection is a tunnel, whatever CL/TE say (curl #1317 [B8], nghttp2 #1347
// [B47]). RFC 9112 §3.2.3: the CONNECT sent on is authority-form with the
// port, plus Host, and without the credentials meant for the target itself
// (RFC 9110 §11.7.2).
// Every case here needs the next hop (needs: ['next-hop']): against a peer
// profile that opens its tunnels itself (peer:squid:direct) they are not
// applicable; peer:squid:chained runs them.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, endCase, unsupported, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { NextHopRequest } from '../../harness/nexthop/types.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import type { RawClient } from '../../harness/client/types.js'
import { connectBytes, framingFields } from '../support/connect-request.js'
import { responseOf } from '../support/request.js'
import { expectBytes } from '../support/tunnel.js'

const CREDENTIALS = 'Basic cHJveHlzcGVjOmZvci10aGUtdGFyZ2V0'

interface Chained {
  readonly client: RawClient
  readonly response: HttpMessage<ResponseHead>
  readonly request: NextHopRequest
  /** host:port of the leased echo the client asked for. */
  readonly authority: string
}

/** Who produced the client's answer: the next hop's relayed, or the target's own (by status line). */
function nextHopProvenance(message: HttpMessage<ResponseHead>, request: NextHopRequest): string {
  const got = `${message.head.status} ${message.head.reason}`.trim()
  const theirs = request.answered?.replace(/^HTTP\/\d\.\d /, '')
  if (theirs === undefined)
    return `the target answered ${got} itself; the next hop had not answered`
  if (Number(theirs.slice(0, 3)) === message.head.status)
    return `the target relayed the next hop's ${theirs}`
  return `the target answered ${got} itself after the next hop answered ${theirs}`
}

/**
 * CONNECT to a leased echo through the target, U answering with `answer`
 * (undefined: a real tunnel). unsupported when the target never asked U.
 */
async function chainedConnect(
  ctx: CaseContext,
  answer: string | undefined,
  headers: readonly (readonly [string, string])[] = [],
): Promise<Chained> {
  const echo = await ctx.leaseTcp('echo')
  if (answer !== undefined) ctx.nextHop.answerFor(echo.port, { kind: 'scripted', response: answer })
  const seen = ctx.nextHop.nextRequest(echo.port, ctx.remainingMs())
  const client = await ctx.connect()
  await client.write(connectBytes(echo.authority, { headers }))
  const read = responseOf(
    await client.readResponse({ requestMethod: 'CONNECT' }),
    `a 2xx to CONNECT ${echo.authority} through the next hop`,
  )
  const request = await ctx.wait('the CONNECT at the next hop', seen, ctx.quietMs)
  if (isTimeout(request)) {
    return endCase(
      unsupported(
        `the target does not send its CONNECTs on to the next hop (${ctx.nextHop.authority}, {next_hop})`,
      ),
    )
  }
  if (read.head.status < 200 || read.head.status > 299) {
    return endCase(
      violates(
        `a 2xx to CONNECT ${echo.authority} (the next hop answered 2xx)`,
        nextHopProvenance(read, request),
      ),
    )
  }
  return { client, response: read, request, authority: echo.authority }
}

export const chainedConnectCases = [
  defineCase({
    id: 'chained-2xx-has-no-framing-headers',
    title:
      'When the next hop answers 200 with Content-Length and Transfer-Encoding, the 2xx the target sends has neither',
    requirements: ['CONNECT-03'],
    spec: [
      { rfc: 9110, section: '9.3.6' },
      { rfc: 9112, section: '6.1' },
    ],
    requirement:
      'A server MUST NOT send Content-Length or Transfer-Encoding in a 2xx to CONNECT, also when relaying a next hop 2xx.',
    level: 'MUST',
    roles: ['forward'],
    needs: ['next-hop'],
    async run(ctx) {
      const chained = await chainedConnect(
        ctx,
        'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n',
      )
      const framing = framingFields(chained.response)
      if (framing.length > 0) {
        return violates(
          'no Content-Length and no Transfer-Encoding in the 2xx',
          `${nextHopProvenance(chained.response, chained.request)}, with ${framing.join(' and ')}`,
        )
      }
      const probe = Buffer.from(`through two proxies for ${ctx.token}`)
      await chained.client.write(probe)
      await expectBytes(chained.client, probe, 'the probe echoed by the next hop')
      return conforms()
    },
  }),
  defineCase({
    id: 'chained-2xx-body-is-tunnel-data',
    title:
      'Bytes after the next hop\'s "200 + Content-Length: 5" head reach the client as tunnel data, not as a body',
    requirements: ['CONNECT-04'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'As the CONNECT client of a next hop, the target treats everything after its 2xx header block as tunnel data, ignoring CL/TE.',
    level: 'MUST',
    roles: ['forward'],
    needs: ['next-hop'],
    async run(ctx) {
      const chained = await chainedConnect(ctx, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHELLO')
      await expectBytes(
        chained.client,
        Buffer.from('HELLO'),
        'the 5 bytes after the next hop 2xx as the first tunnel data',
      )
      const probe = Buffer.from('after HELLO')
      await chained.client.write(probe)
      await expectBytes(chained.client, probe, 'the tunnel working after HELLO')
      return conforms()
    },
  }),
  defineCase({
    id: 'chained-connect-is-authority-form',
    title:
      'The CONNECT sent to the next hop is "CONNECT host:port HTTP/1.1" with Host, and without the client\'s Proxy-Authorization',
    requirements: ['CONNECT-14'],
    spec: [
      { rfc: 9112, section: '3.2.3' },
      { rfc: 9110, section: '9.3.6' },
      { rfc: 9110, section: '11.7.2' },
    ],
    requirement:
      'A CONNECT forwarded to a next hop uses authority-form with the port spelled out, plus Host; credentials for this proxy stay here.',
    level: 'MUST',
    roles: ['forward'],
    needs: ['next-hop'],
    async run(ctx) {
      const chained = await chainedConnect(ctx, undefined, [['Proxy-Authorization', CREDENTIALS]])
      const { head } = chained.request
      if (head.method !== 'CONNECT' || head.target !== chained.authority) {
        return violates(
          `CONNECT ${chained.authority} at the next hop`,
          `${head.method} ${head.target} ${head.version}`,
        )
      }
      if (!head.headers.some((f) => f.name.toLowerCase() === 'host')) {
        return violates('a Host field in the CONNECT sent on', 'no Host')
      }
      if (head.headers.some((f) => f.value.includes(CREDENTIALS.slice(6)))) {
        return violates(
          "the client's Proxy-Authorization kept at the target",
          'the next hop received it',
        )
      }
      return conforms(`the next hop received "CONNECT ${head.target} ${head.version}"`)
    },
  }),
]
