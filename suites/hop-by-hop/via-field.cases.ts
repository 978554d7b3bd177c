// RFC 9110 §7.6.3: "A proxy MUST send an appropriate Via header field ... in
// each message that it forwards. An HTTP-to-HTTP gateway MUST send an
// appropriate Via header field in each inbound request message and MAY send a
// Via header field in forwarded response messages." So Via on requests binds
// both roles (MUST); on responses only the proxy (forward role, MUST), the
// gateway's is a MAY and its case is INFO (reverse role).
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { rawResponse } from '../support/origin.js'
import { originRequest, responseOf } from '../support/request.js'
import { exchange } from '../support/exchange.js'
import { viaMembers } from './exchange.js'

/** Checks that `members` keeps `earlier` first and ends with a member for protocol `version`. */
function checkVia(
  members: readonly string[],
  earlier: string,
  version: string,
): string | undefined {
  if (members.length === 0) return 'no Via at all'
  if (members[0] !== earlier)
    return `the earlier member "${earlier}" is not first: Via: ${members.join(', ')}`
  const own = members[members.length - 1] ?? ''
  if (members.length < 2) return `no member appended: Via: ${members.join(', ')}`
  if (!new RegExp(`^(?:HTTP/)?${version.replace('.', '\\.')} \\S+`, 'i').test(own)) {
    return `the appended member "${own}" does not name the received version ${version} and a received-by`
  }
  return undefined
}

/** An HTTP/1.0 response with `Via: 1.1 backend-x` from the origin: the client must see a member appended. */
async function responseVia(ctx: CaseContext): Promise<Outcome> {
  ctx.origin.behave(
    rawResponse({ version: 'HTTP/1.0', headers: [['Via', '1.1 backend-x']], close: true }),
  )
  const client = await ctx.connect()
  await client.write(originRequest(ctx))
  const read = responseOf(await client.readResponse(), 'the response to reach the client')
  const problem = checkVia(viaMembers(read.head.headers), '1.1 backend-x', '1.0')
  return problem === undefined
    ? conforms()
    : violates('Via: 1.1 backend-x, 1.0 <received-by> at the client', problem)
}

export const viaFieldCases = [
  // Fails on most real peers (nginx, HAProxy and Apache add no Via by
  // default). Still a violation in both roles: RFC 9110 §7.6.3 "A proxy MUST
  // send an appropriate Via header field ... in each message that it forwards.
  // An HTTP-to-HTTP gateway MUST send an appropriate Via header field in each
  // inbound request message". Each of them has a directive that adds it.
  defineCase({
    id: 'appends-via-to-requests',
    title:
      'A forwarded request gets a Via member with the received version, after the earlier members',
    requirements: ['HOP-05'],
    spec: [{ rfc: 9110, section: '7.6.3' }],
    requirement:
      'A proxy MUST send an appropriate Via field in each forwarded message, and a gateway in each inbound request: the received protocol version and a received-by, appended after earlier members.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) =>
      exchange(ctx, {
        send: { version: 'HTTP/1.0', headers: [['Via', '1.1 upstream-a']] },
        expectAtOrigin: (seen) =>
          checkVia(viaMembers(seen.message.head.headers), '1.1 upstream-a', '1.0'),
        expected: 'Via: 1.1 upstream-a, 1.0 <received-by> at the origin',
      }),
  }),
  // Fails on every real forward proxy (squid, tinyproxy append "1.1 <name>" to
  // an HTTP/1.0 response; Apache adds none by default). Still a violation:
  // RFC 9110 §7.6.3 "A proxy MUST send an appropriate Via header field ... in
  // each message that it forwards", and "the received-protocol indicates the
  // protocol and protocol version used by the upstream sender of the message":
  // for a response that is the origin, which spoke HTTP/1.0.
  defineCase({
    id: 'appends-via-to-responses',
    title:
      'A forwarded response gets a Via member with the received version, after the earlier members',
    requirements: ['HOP-05'],
    spec: [{ rfc: 9110, section: '7.6.3' }],
    requirement:
      'A proxy MUST append a Via member to the responses it forwards, with the version it received them in.',
    level: 'MUST',
    roles: ['forward'],
    run: responseVia,
  }),
  defineCase({
    id: 'gateway-appends-via-to-responses',
    title: 'A gateway appends a Via member to the responses it relays',
    requirements: ['HOP-05'],
    spec: [{ rfc: 9110, section: '7.6.3' }],
    requirement:
      'A gateway MAY send a Via field in the responses it forwards; if it does, earlier members stay first.',
    level: 'INFO',
    roles: ['reverse'],
    run: responseVia,
  }),
]
