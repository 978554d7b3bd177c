// CONNECT to a proxy that requires authentication (CONNECT-10), against the
// target the run declared credentials for (--proxy-auth; builtin:reference
// uses an auth twin, harness/engine/target/builtin.ts). Without credentials these
// cases are not applicable (needs: ['proxy-auth']). Sentences graded:
// - RFC 9110 §11.7.1 and §15.5.8: a proxy MUST send at least one
//   Proxy-Authenticate in each 407 it generates (MUST);
// - RFC 9110 §11.4: a proxy that requires authentication SHOULD answer a
//   request with missing or invalid credentials with 407 (SHOULD: a tunnel
//   opened anyway, or another refusal, warns; the catalog says the same);
// - RFC 9110 §9.3.6: a non-2xx to CONNECT means no tunnel was formed, so the
//   bytes after a CONNECT refused with 407 are never relayed (MUST, as
//   CONNECT-07), and the connection is then closed or, kept open, the retry
//   with credentials is answered (RFC 9112 §9.3, §9.6);
// - RFC 9110 §11.7.2: Proxy-Authorization is consumed by the proxy that asked
//   for it; it MAY be relayed to a next proxy that authenticates
//   cooperatively, so a relay to the next hop is INFO.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, endCase, unsupported, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { StartedTcpServer } from '../../harness/tcp/types.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { connectBytes } from '../support/connect-request.js'
import {
  authClient,
  grade407Challenge,
  proxyAuthOf,
  validCredentials,
  wrongCredentials,
} from '../support/proxy-auth.js'
import { responseOf, statusLine } from '../support/request.js'
import { expectBytes } from '../support/tunnel.js'
import { runVariants } from '../support/variants.js'

// Not HTTP: what a TLS client sends at once after its CONNECT.
const EARLY = Buffer.from('\x16\x03\x01\x00\x05proxyspec-early-tunnel-bytes', 'latin1')
const PING = Buffer.from('proxyspec tunnel ping\n', 'latin1')

/** Connections and bytes `echo` (a leased server, shared over a run) received since `from` connections. */
const since = (echo: StartedTcpServer, from: number): { connections: number; bytes: number } => {
  const recent = echo.connections.slice(from)
  return {
    connections: recent.length,
    bytes: recent.reduce((sum, c) => sum + c.received.length, 0),
  }
}

/** CONNECT to `echo` with `credentials` (none: undefined) on a fresh connection to the auth target. */
async function authConnect(
  ctx: CaseContext,
  echo: StartedTcpServer,
  credentials: FieldLine | undefined,
  after?: Buffer,
) {
  const client = await authClient(ctx)
  await client.write(
    connectBytes(echo.authority, {
      headers: credentials === undefined ? [] : [credentials],
      ...(after === undefined ? {} : { after }),
    }),
  )
  return { client, read: await client.readResponse({ requestMethod: 'CONNECT' }) }
}

/** A CONNECT with missing or wrong credentials: a 407, and no tunnel (RFC 9110 §11.4); else the case ends (endCase). */
async function refusedVariant(
  ctx: CaseContext,
  echo: StartedTcpServer,
  what: string,
  credentials: FieldLine | undefined,
): Promise<void> {
  const from = echo.connections.length
  const { read } = await authConnect(ctx, echo, credentials)
  const answer = responseOf(read, `a 407 to a CONNECT ${what}`)
  const { status } = answer.head
  if (status >= 200 && status <= 299) {
    endCase(
      violates(`a 407 to a CONNECT ${what}`, `${statusLine(answer)}: a tunnel opened ${what}`),
    )
  }
  if (status !== 407)
    endCase(violates(`a 407 to a CONNECT ${what}`, `${statusLine(answer)} instead`))
  const reached = since(echo, from)
  if (reached.connections > 0) {
    endCase(
      violates(
        `nothing reaching ${echo.authority} for a CONNECT ${what}`,
        `the target connected to it (${reached.bytes} bytes)`,
      ),
    )
  }
}

export const proxyAuthConnectCases = [
  defineCase({
    id: 'auth-407-carries-challenge',
    title: 'A CONNECT without credentials gets a complete 407 with a Proxy-Authenticate challenge',
    requirements: ['CONNECT-10'],
    spec: [
      { rfc: 9110, section: '11.7.1' },
      { rfc: 9110, section: '15.5.8' },
    ],
    requirement:
      'A proxy MUST send at least one Proxy-Authenticate header field in each 407 (Proxy Authentication Required) response that it generates.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const { read } = await authConnect(ctx, echo, undefined)
      return grade407Challenge(read, 'a CONNECT without credentials')
    },
  }),
  defineCase({
    id: 'auth-refuses-missing-or-wrong-credentials',
    title:
      'A CONNECT without credentials, and one with a wrong password, get 407 and never a tunnel',
    requirements: ['CONNECT-10'],
    spec: [
      { rfc: 9110, section: '11.4' },
      { rfc: 9110, section: '15.5.8' },
    ],
    requirement:
      'A proxy that requires authentication SHOULD answer a request that omits proxy credentials or carries invalid ones with 407 carrying a challenge.',
    level: 'SHOULD',
    roles: ['forward', 'tunnel'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const auth = proxyAuthOf(ctx)
      const echo = await ctx.leaseTcp('echo')
      // Both variants run and are reported, whatever the first one found (runVariants: outcomeOf).
      const variant = (what: string, credentials: FieldLine | undefined) =>
        [
          `CONNECT ${what}`,
          async () => {
            await refusedVariant(ctx, echo, what, credentials)
            return conforms('407; nothing tunnelled')
          },
        ] as const
      return runVariants(ctx, [
        variant('without credentials', undefined),
        variant(`with a wrong password for user "${auth.user}"`, wrongCredentials(auth)),
      ])
    },
  }),
  defineCase({
    id: 'auth-refused-connect-never-tunnels',
    title:
      'Bytes sent after a CONNECT refused with 407 never reach the target; after the 407 the connection closes or answers the retry with credentials',
    requirements: ['CONNECT-10', 'CONNECT-07'],
    spec: [
      { rfc: 9110, section: '9.3.6' },
      { rfc: 9112, section: '9.6' },
    ],
    requirement:
      'Any response other than a 2xx to CONNECT means the tunnel was not formed: nothing after a 407 is relayed, and a connection left open answers the next request.',
    level: 'MUST',
    roles: ['forward', 'tunnel'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const auth = proxyAuthOf(ctx)
      // 1. CONNECT without credentials, tunnel bytes in the same write.
      const echo = await ctx.leaseTcp('echo')
      const from = echo.connections.length
      const first = await authConnect(ctx, echo, undefined, EARLY)
      const answer = responseOf(first.read, 'an answer to a CONNECT without credentials')
      if (answer.head.status !== 407) {
        return unsupported(
          `the target answered ${statusLine(answer)} to a CONNECT without credentials, not 407`,
        )
      }
      await first.client.waitForClose({ timeoutMs: ctx.quietMs })
      const relayed = since(echo, from).bytes
      if (relayed > 0) {
        return violates(
          'nothing after a CONNECT refused with 407 relayed to its target',
          `${echo.authority} received ${relayed} bytes: the refused CONNECT became a tunnel`,
        )
      }
      // 2. The same connection after a 407: closed, or the retry with credentials is served.
      const second = await authConnect(ctx, echo, undefined)
      responseOf(second.read, 'a 407 to a CONNECT without credentials')
      if (second.client.peerState !== 'open') return conforms('407, then the connection closed')
      await second.client.write(connectBytes(echo.authority, { headers: [validCredentials(auth)] }))
      const retry = await second.client.readResponse({
        requestMethod: 'CONNECT',
        timeoutMs: Math.max(0, ctx.remainingMs() - 250),
      })
      if (retry.kind === 'closed') return conforms('407, then the connection closed')
      const served = responseOf(
        retry,
        'the connection closed after the 407, or the retry with credentials answered',
      )
      const { status } = served.head
      if (status < 200 || status > 299) {
        return conforms(`407, then ${statusLine(served)} to the retry on the same connection`)
      }
      await second.client.write(PING)
      await expectBytes(second.client, PING, 'the ping echoed through the retried tunnel')
      return conforms('407, then the retry with credentials on the same connection tunnelled')
    },
  }),
  defineCase({
    id: 'auth-credentials-open-tunnel',
    title: 'A CONNECT with the valid credentials gets a working tunnel',
    requirements: ['CONNECT-10'],
    spec: [
      { rfc: 9110, section: '11.4' },
      { rfc: 9110, section: '11.7.2' },
    ],
    requirement:
      'A proxy that requires authentication answers 407 only to missing or invalid credentials; valid Proxy-Authorization lets the CONNECT through.',
    level: 'SHOULD',
    roles: ['forward', 'tunnel'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const auth = proxyAuthOf(ctx)
      const echo = await ctx.leaseTcp('echo')
      ctx.note(`CONNECT ${echo.authority} with Basic credentials of user "${auth.user}"`)
      const { client, read } = await authConnect(ctx, echo, validCredentials(auth))
      const answer = responseOf(read, `a 2xx to CONNECT ${echo.authority} with credentials`)
      const { status } = answer.head
      if (status < 200 || status > 299) {
        return violates(
          `a 2xx to CONNECT ${echo.authority} with valid credentials`,
          statusLine(answer),
        )
      }
      await client.write(PING)
      await expectBytes(client, PING, 'the ping echoed through the tunnel')
      return conforms('tunnel opened with the credentials')
    },
  }),
  defineCase({
    id: 'auth-credentials-stay-at-the-proxy',
    title: 'The credentials of an authenticated CONNECT are not sent on to the next hop',
    requirements: ['CONNECT-10', 'CONNECT-14', 'HOP-10'],
    spec: [{ rfc: 9110, section: '11.7.2' }],
    requirement:
      'Proxy-Authorization is consumed by the proxy that asked for it; a proxy MAY relay it to the next proxy only when they authenticate cooperatively.',
    level: 'INFO',
    roles: ['forward'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const auth = proxyAuthOf(ctx)
      const echo = await ctx.leaseTcp('echo')
      const seen = ctx.nextHop.nextRequest(echo.port, ctx.remainingMs())
      const credentials = validCredentials(auth)
      const value = credentials[1]
      const { read } = await authConnect(ctx, echo, credentials)
      responseOf(read, `an answer to CONNECT ${echo.authority}`)
      const request = await ctx.wait('the CONNECT at the next hop', seen, ctx.quietMs)
      if (isTimeout(request)) {
        return unsupported(
          `the target does not send its CONNECTs on to the next hop (${ctx.nextHop.authority}, {next_hop})`,
        )
      }
      const relayed = request.head.headers.some(
        (f) => f.name.toLowerCase() === 'proxy-authorization' && f.value === value,
      )
      return relayed
        ? violates(
            'the credentials consumed by the target',
            'its Proxy-Authorization relayed to the next hop (allowed only where the proxies authenticate cooperatively)',
          )
        : conforms('no Proxy-Authorization at the next hop')
    },
  }),
]
