// RFC 9110 §6.2: "A server SHOULD send a response version equal to the highest
// version to which the server is conformant that has a major version less than
// or equal to the one received in the request." For HTTP/1.1 and for HTTP/1.0
// requests alike that is HTTP/1.1 from an HTTP/1.1 intermediary: the answer to
// an HTTP/1.0 CONNECT says HTTP/1.1 too (its features, not its version number,
// are what an HTTP/1.0 client cannot take: CONNECT-13).
// The target's highest version is read from its own answer to an ordinary GET
// on another connection, so a target that only ever speaks HTTP/1.0 conforms.
// The status-line version of ordinary responses to an HTTP/1.0 client is
// hop-by-hop/answers-http10-client-with-own-version.
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { connectBytes } from '../support/connect-request.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'

/** The version the target puts on an ordinary HTTP/1.1 GET's response (no response ends the case). */
async function ownVersion(ctx: CaseContext): Promise<string> {
  const client = await ctx.connect()
  await client.write(originRequest(ctx, { suffix: 'own-version' }))
  const read = responseOf(await client.readResponse(), 'a response to an ordinary GET')
  await client.close()
  return read.head.version
}

/** CONNECT `version` to a leased echo; grades the answer's version against the target's own. */
async function gradeReplyVersion(ctx: CaseContext, version: string): Promise<Outcome> {
  const echo = await ctx.leaseTcp('echo')
  const client = await ctx.connect()
  await client.write(connectBytes(echo.authority, { version }))
  const read = responseOf(
    await client.readResponse({ requestMethod: 'CONNECT' }),
    `an answer to "CONNECT ${echo.authority} ${version}"`,
  )
  await client.close()
  const replied = read.head.version
  const own = await ownVersion(ctx)
  ctx.note(
    `the target under test answered the ${version} CONNECT with ${statusLine(read)} and an HTTP/1.1 GET with ${own}`,
  )
  if (replied === own) return conforms(`${statusLine(read)}, its own version`)
  return violates(
    `the target's own version (${own}, as on its answer to a GET) on its answer to an ${version} CONNECT`,
    `the target under test answered ${statusLine(read)}`,
  )
}

export const replyVersionCases = [
  defineCase({
    id: 'reply-carries-own-version',
    title: 'The answer to an HTTP/1.1 CONNECT carries the version the proxy speaks (HTTP/1.1)',
    requirements: ['CONNECT-16'],
    spec: [{ rfc: 9110, section: '6.2' }],
    requirement:
      'A server SHOULD send the highest version it conforms to whose major version is at most the request’s: HTTP/1.1, not HTTP/1.0, to an HTTP/1.1 CONNECT.',
    level: 'SHOULD',
    roles: ['forward', 'tunnel'],
    run: (ctx) => gradeReplyVersion(ctx, 'HTTP/1.1'),
  }),
  defineCase({
    id: 'reply-to-http10-carries-own-version',
    title:
      'The answer to an HTTP/1.0 CONNECT carries the proxy’s own version (HTTP/1.1), not the client’s',
    requirements: ['CONNECT-16', 'CONNECT-13'],
    spec: [{ rfc: 9110, section: '6.2' }],
    requirement:
      'A server SHOULD send the highest version it conforms to whose major version is at most the request’s: HTTP/1.1 to an HTTP/1.0 client too.',
    level: 'SHOULD',
    roles: ['forward', 'tunnel'],
    run: (ctx) => gradeReplyVersion(ctx, 'HTTP/1.0'),
  }),
]
