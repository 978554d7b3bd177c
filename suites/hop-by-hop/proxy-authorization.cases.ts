// A forward request through a proxy that requires authentication (HOP-10's
// credential half, CONNECT-10's sentences for plain requests), against the
// target the run declared credentials for (--proxy-auth; builtin:reference
// uses an auth twin). Without credentials these cases are not applicable.
// Sentences graded:
// - RFC 9110 §11.7.1, §15.5.8: at least one Proxy-Authenticate in each 407 (MUST);
// - RFC 9110 §11.4: missing or invalid credentials get 407 (SHOULD), and
//   what is refused is not forwarded;
// - RFC 9112 §9.3, §9.6: after a 407 the connection is closed, or, left open,
//   the next request on it (the retry with credentials) is answered (MUST);
// - RFC 9110 §11.7.2: Proxy-Authorization "is consumed by the first inbound
//   proxy that was expecting to receive credentials" and "applies only to the
//   next inbound proxy that demanded authentication". The sentence is
//   descriptive; the only permission to pass it on (MAY relay) is to a next
//   proxy that authenticates cooperatively, and the origin is not one, so the
//   catalog's FAIL (a credential leak) is kept: MUST. Authorization beside it
//   passes unchanged (§11.6.2, MUST NOT modify).
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  endCase,
  observed,
  unsupported,
  violates,
} from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { FieldLine } from '../../harness/wire/types.js'
import {
  authClient,
  grade407Challenge,
  proxyAuthOf,
  validCredentials,
  wrongCredentials,
} from '../support/proxy-auth.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import { listed } from './exchange.js'
import { provenance } from '../support/provenance.js'
import { runVariants } from '../support/variants.js'

const BEARER = 'Bearer xyz.AbC-123_=='

/** One GET for this case's slice of the origin to the auth target, on `client` or a fresh connection. */
async function authGet(ctx: CaseContext, suffix: string, headers: readonly FieldLine[]) {
  const client = await authClient(ctx)
  await client.write(originRequest(ctx, { suffix, headers }))
  return { client, read: await client.readResponse({ requestMethod: 'GET' }) }
}

/** A GET with missing or wrong credentials: a 407, nothing forwarded; else the case ends (endCase). */
async function refusedVariant(
  ctx: CaseContext,
  suffix: string,
  what: string,
  headers: readonly FieldLine[],
): Promise<void> {
  const { read } = await authGet(ctx, suffix, headers)
  const forwarded = ctx.origin
    .requests()
    .filter((r) => r.message.head.target.endsWith(`/${suffix}`))
  if (forwarded.length > 0) {
    endCase(
      violates(
        `a 407 to a request ${what}, nothing forwarded`,
        `the request reached the origin; ${provenance(read, forwarded)}`,
      ),
    )
  }
  const answer = responseOf(read, `a 407 to a request ${what}`)
  if (answer.head.status !== 407)
    endCase(violates(`a 407 to a request ${what}`, `${provenance(read, forwarded)}, not a 407`))
}

export const proxyAuthorizationCases = [
  defineCase({
    id: 'auth-407-carries-challenge',
    title:
      'A request without proxy credentials gets a complete 407 with a Proxy-Authenticate challenge',
    requirements: ['CONNECT-10', 'HOP-10'],
    spec: [
      { rfc: 9110, section: '11.7.1' },
      { rfc: 9110, section: '15.5.8' },
    ],
    requirement:
      'A proxy MUST send at least one Proxy-Authenticate header field in each 407 (Proxy Authentication Required) response that it generates.',
    level: 'MUST',
    roles: ['forward'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const { read } = await authGet(ctx, 'no-credentials', [])
      return grade407Challenge(read, 'a request without credentials')
    },
  }),
  defineCase({
    id: 'auth-refuses-missing-or-wrong-credentials',
    title:
      'A request without credentials, and one with a wrong password, get 407 and are not forwarded',
    requirements: ['CONNECT-10', 'HOP-10'],
    spec: [
      { rfc: 9110, section: '11.4' },
      { rfc: 9110, section: '15.5.8' },
    ],
    requirement:
      'A proxy that requires authentication SHOULD answer a request that omits proxy credentials or carries invalid ones with 407 carrying a challenge.',
    level: 'SHOULD',
    roles: ['forward'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const auth = proxyAuthOf(ctx)
      // Both variants run and are reported, whatever the first one found (runVariants: outcomeOf).
      const variant = (suffix: string, what: string, headers: readonly FieldLine[]) =>
        [
          `a request ${what}`,
          async () => {
            await refusedVariant(ctx, suffix, what, headers)
            return conforms('407; nothing forwarded')
          },
        ] as const
      return runVariants(ctx, [
        variant('missing', 'without credentials', []),
        variant('wrong', `with a wrong password for user "${auth.user}"`, [wrongCredentials(auth)]),
      ])
    },
  }),
  defineCase({
    id: 'auth-connection-usable-after-407',
    title: 'After a 407 the connection is closed, or the retry with credentials on it is answered',
    requirements: ['CONNECT-10'],
    spec: [
      { rfc: 9112, section: '9.3' },
      { rfc: 9112, section: '9.6' },
    ],
    requirement:
      'A connection the proxy keeps open after its 407 carries the next request: the retry with credentials gets its response (or the proxy closes).',
    level: 'MUST',
    roles: ['forward'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const auth = proxyAuthOf(ctx)
      const { client, read } = await authGet(ctx, 'first', [])
      const answer = responseOf(read, 'an answer to a request without credentials')
      if (answer.head.status !== 407) {
        return unsupported(
          `the target answered ${statusLine(answer)} to a request without credentials, not 407`,
        )
      }
      if (client.peerState !== 'open') return conforms('407, then the connection closed')
      await client.write(originRequest(ctx, { suffix: 'retry', headers: [validCredentials(auth)] }))
      const retry = await client.readResponse({
        requestMethod: 'GET',
        timeoutMs: Math.max(0, ctx.remainingMs() - 250),
      })
      if (retry.kind === 'closed') return conforms('407, then the connection closed')
      const served = responseOf(
        retry,
        'the connection closed after the 407, or the retry with credentials answered',
      )
      return conforms(`407, then ${statusLine(served)} to the retry on the same connection`)
    },
  }),
  defineCase({
    id: 'consumes-proxy-authorization',
    title:
      'With valid credentials the request is forwarded without Proxy-Authorization, its Authorization unchanged',
    requirements: ['HOP-10'],
    spec: [
      { rfc: 9110, section: '11.7.2' },
      { rfc: 9110, section: '11.6.2' },
    ],
    requirement:
      'Proxy-Authorization is consumed by the proxy that asked for it and never reaches the origin; Authorization passes unchanged.',
    level: 'MUST',
    roles: ['forward'],
    needs: ['proxy-auth'],
    async run(ctx) {
      const auth = proxyAuthOf(ctx)
      ctx.note(`GET with Basic proxy credentials of user "${auth.user}" and Authorization: Bearer`)
      const { read } = await authGet(ctx, 'with-credentials', [
        validCredentials(auth),
        ['Authorization', BEARER],
      ])
      const seen = await ctx.origin.nextRequest(read.kind === 'timeout' ? undefined : 0)
      if (isTimeout(seen)) {
        responseOf(read, 'the request forwarded to the origin')
        return observed(
          `${provenance(read, ctx.origin.requests())}, so there is nothing forwarded to grade`,
        )
      }
      const { headers } = seen.message.head
      if (headers.some((f) => f.name.toLowerCase() === 'proxy-authorization')) {
        return violates(
          'no Proxy-Authorization at the origin',
          'the proxy credentials reached the origin (a credential leak)',
        )
      }
      const authorization = headers
        .filter((f) => f.name.toLowerCase() === 'authorization')
        .map((f) => f.value)
      if (authorization.length !== 1 || authorization[0] !== BEARER) {
        return violates(
          `Authorization: ${BEARER} at the origin, unchanged`,
          `Authorization lines: ${listed(authorization)}`,
        )
      }
      return conforms('Proxy-Authorization consumed; Authorization forwarded unchanged')
    },
  }),
]
