// Which requests are upgrade requests (RFC 9110 §7.8): only HTTP/1.1 ones
// that list `upgrade` in Connection; an upgrade the intermediary will not
// relay is removed and the request handled as plain HTTP; h2c never passes.
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import {
  conforms,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import {
  h2cEndpoint,
  refusalBytes,
  refusingEndpoint,
  websocketEndpoint,
  type UpgradeOrigin,
} from '../../harness/origin/upgrade-endpoints.js'
import { fieldValues, hasField, listTokens } from '../../harness/wire/fields.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { isRefusal, responseOf, statusLine } from '../support/request.js'
import { originRequest } from '../support/request.js'
import { connectClient, handshakeBytes } from '../support/websocket.js'
import { UPGRADE_ROLES as ROLES } from './handshake-checks.js'
import { provenance } from '../support/provenance.js'

/** Sends `request` with `endpoint` at the origin; the client's answer (none ends the case). */
async function ask(
  ctx: CaseContext,
  endpoint: UpgradeOrigin,
  request: Buffer,
): Promise<HttpMessage<ResponseHead>> {
  ctx.origin.behave(endpoint.behaviour)
  const client = await connectClient(ctx)
  await client.write(request)
  return responseOf(await client.readResponse(), 'an answer to the request')
}

/** What reached the origin with an Upgrade field, as evidence lines. */
function upgradesAtOrigin(ctx: CaseContext): string[] {
  return ctx.origin
    .requests()
    .filter((r) => hasField(r.message.head.headers, 'upgrade'))
    .map(
      (r) =>
        `Upgrade: ${fieldValues(r.message.head.headers, 'upgrade').join(', ')} (Connection: ${fieldValues(r.message.head.headers, 'connection').join(', ') || 'none'}) reached the origin`,
    )
}

/** PASS when the client got a non-101 answer and no Upgrade reached the origin. */
function ignoredUpgrade(
  ctx: CaseContext,
  message: HttpMessage<ResponseHead>,
  expected: string,
): Outcome {
  const problems = upgradesAtOrigin(ctx)
  if (message.head.status === 101) problems.unshift(`the client got ${statusLine(message)}`)
  return problems.length === 0 ? conforms() : violates(expected, problems.join('; '))
}

export const upgradeRequestCases = [
  defineCase({
    id: 'unrelayed-upgrade-handled-as-http',
    title:
      'An upgrade the target does not relay is removed and the request served as HTTP; one it relays carries the upgrade option',
    requirements: ['UPG-01'],
    spec: [
      { rfc: 9110, section: '7.8' },
      { rfc: 9110, section: '7.6.1' },
    ],
    requirement:
      'An intermediary that will not relay a protocol switch removes Upgrade and handles the request as plain HTTP; it never forwards Upgrade without the upgrade connection option, and does not reject the request only because Upgrade is present.',
    level: 'SHOULD',
    roles: ROLES,
    async run(ctx) {
      const read = await ask(
        ctx,
        refusingEndpoint(refusalBytes(200)),
        originRequest(ctx, {
          headers: [
            ['Connection', 'Upgrade'],
            ['Upgrade', 'foo/1, TLS/1.2'],
          ],
        }),
      )
      const { status } = read.head
      // Refusing (a 4xx: 400, 403, 426) is INFO, not a SHOULD warning: RFC 9110 §7.8 says only that a server "MAY
      // ignore a received Upgrade header field"; no keyword obliges it to, and nothing was
      // forwarded (catalog row UPG-01 corrected: it said WARN).
      if (status >= 400 && status < 500 && ctx.origin.requests().length === 0)
        return observed(`${statusLine(read)}: refused because of Upgrade, nothing forwarded`)
      if (status !== 200) return violates("the origin's 200", statusLine(read))
      // Relaying foo is allowed, but then as a valid upgrade request: `upgrade` in Connection (RFC 9110 §7.8).
      const blind = ctx.origin
        .requests()
        .filter(
          (r) =>
            hasField(r.message.head.headers, 'upgrade') &&
            !listTokens(r.message.head.headers, 'connection').includes('upgrade'),
        )
      return blind.length === 0
        ? conforms()
        : violates(
            'no Upgrade at the origin, or Upgrade with the upgrade connection option',
            `Upgrade: ${fieldValues(blind[0]?.message.head.headers ?? [], 'upgrade').join(', ')} reached the origin with Connection: ${fieldValues(blind[0]?.message.head.headers ?? [], 'connection').join(', ') || '(none)'}`,
          )
    },
  }),
  defineCase({
    id: 'http10-upgrade-ignored',
    title: 'Upgrade in an HTTP/1.0 request is ignored: no Upgrade upstream, no 101 to the client',
    requirements: ['UPG-02'],
    spec: [
      { rfc: 9110, section: '7.8' },
      { rfc: 9110, section: '15.2' },
    ],
    requirement:
      'A server must ignore Upgrade in an HTTP/1.0 request, and must not send a 1xx response to an HTTP/1.0 client.',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const read = await ask(ctx, websocketEndpoint(), handshakeBytes(ctx, { version: 'HTTP/1.0' }))
      return ignoredUpgrade(ctx, read, 'a plain response, and no Upgrade at the origin')
    },
  }),
  // Graded SHOULD. "A sender of Upgrade MUST also send an "upgrade" connection
  // option in the Connection header field (Section 7.6.1) to inform
  // intermediaries not to forward this field" (RFC 9110 §7.8) binds the
  // sender: here the harness client, which breaks it on purpose. What binds an
  // intermediary that receives such an Upgrade is §7.6.1: "intermediaries
  // SHOULD remove or replace fields that are known to require removal before
  // forwarding, whether or not they appear as a connection-option, after
  // applying those fields' semantics. This includes but is not limited to:
  // ... Upgrade". So: Upgrade reaching the origin without the target's own
  // `upgrade` option (forwarded as received) is a WARN; dropping it passes;
  // replacing it after acting on it (the target's own Upgrade and
  // `Connection: upgrade`, then a switch) passes with a note; refusing the
  // request with nothing forwarded passes (the request breaks a MUST).
  defineCase({
    id: 'upgrade-without-connection-option-ignored',
    title:
      'Upgrade without `upgrade` in Connection is removed or replaced, never forwarded as received',
    requirements: ['UPG-03'],
    spec: [
      { rfc: 9110, section: '7.6.1' },
      { rfc: 9110, section: '7.8' },
    ],
    requirement:
      'An intermediary should remove or replace Upgrade before forwarding even when Connection does not list it (RFC 9110 §7.6.1), so it never reaches the next hop without the upgrade connection option.',
    level: 'SHOULD',
    roles: ROLES,
    async run(ctx) {
      ctx.origin.behave(websocketEndpoint().behaviour)
      const client = await connectClient(ctx)
      await client.write(handshakeBytes(ctx, { connection: 'keep-alive' }))
      const read = await client.readResponse()
      if (read.kind === 'timeout') return timedOut('an answer to the request', read.afterMs)
      const seen = ctx.origin.requests()
      if (seen.length === 0 && isRefusal(read)) {
        return conforms(`refused: ${provenance(read, [])}`)
      }
      if (read.kind !== 'response')
        return violates('an answer from the target', provenance(read, seen))
      const blind = seen.filter(
        (r) =>
          hasField(r.message.head.headers, 'upgrade') &&
          !listTokens(r.message.head.headers, 'connection').includes('upgrade'),
      )
      if (blind.length > 0)
        return violates(
          "no Upgrade at the origin, or the target's own Upgrade with `upgrade` in Connection",
          upgradesAtOrigin(ctx).join('; ') +
            ' (sent by the target as the client sent it, without the upgrade option)',
        )
      const replaced = upgradesAtOrigin(ctx)
      if (replaced.length > 0)
        ctx.note(
          `the target acted on Upgrade without the connection option and sent its own: ${replaced.join('; ')}; the client got ${statusLine(read.message)}`,
        )
      return conforms()
    },
  }),
  defineCase({
    id: 'h2c-never-passed-through',
    title:
      'Upgrade: h2c and HTTP2-Settings never reach the origin, and no h2c 101 reaches the client',
    requirements: ['UPG-12'],
    spec: [
      { rfc: 9113, section: '3.1' },
      { rfc: 7540, section: '3.2.1' },
      { rfc: 9110, section: '7.6.1' },
    ],
    requirement:
      'Upgrade: h2c and HTTP2-Settings are connection-specific: an intermediary does not pass them on and never turns the client connection into a tunnel to an h2c backend (h2c smuggling).',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const read = await ask(
        ctx,
        h2cEndpoint(),
        originRequest(ctx, {
          suffix: 'public',
          headers: [
            ['Upgrade', 'h2c'],
            ['HTTP2-Settings', 'AAMAAABkAARAAAAAAAIAAAAA'],
            ['Connection', 'Upgrade, HTTP2-Settings'],
          ],
        }),
      )
      // A target that speaks h2c itself (nghttpx's cleartext frontend) may answer the Upgrade
      // for its own connection and then proxy the request like any other: the h2c Upgrade is
      // deprecated (RFC 9113 §3.1) but no keyword forbids a server to accept it. A tunnel past
      // the target shows at the origin, as the Upgrade fields; so after a 101 the case waits
      // for the request at the origin before it decides.
      if (read.head.status === 101 && ctx.origin.requests().length === 0)
        await ctx.origin.nextRequest(ctx.quietMs)
      const problems = ctx.origin.requests().flatMap((r) => {
        const h = r.message.head.headers
        return [
          ...(listTokens(h, 'upgrade').includes('h2c') ? ['Upgrade: h2c reached the origin'] : []),
          ...(hasField(h, 'http2-settings') ? ['HTTP2-Settings reached the origin'] : []),
        ]
      })
      if (read.head.status === 101 && (problems.length > 0 || ctx.origin.requests().length === 0))
        problems.unshift(`the client got ${statusLine(read)}: an h2c tunnel past the proxy`)
      else if (read.head.status === 101)
        ctx.note(
          `${statusLine(read)} from the target itself: it took the h2c Upgrade for its own connection and forwarded the request without Upgrade or HTTP2-Settings`,
        )
      return problems.length === 0
        ? conforms()
        : violates(
            'a plain HTTP/1.1 response, and neither field at the origin',
            problems.join('; '),
          )
    },
  }),
]
