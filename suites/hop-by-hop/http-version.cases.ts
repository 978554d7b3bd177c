// RFC 9112 §2.3, RFC 9110 §2.5: an intermediary that is not a tunnel sends
// its own HTTP version in the start line of what it forwards, not the
// version it received (the received one goes into Via, HOP-05).
// The answer to an HTTP/1.0 client is graded by RFC 9110 §6.2, which binds the
// target as the server its client talks to, gateway or proxy alike: "A server
// SHOULD send a response version equal to the highest version to which the
// server is conformant that has a major version less than or equal to the one
// received in the request." For an HTTP/1.1 intermediary and an HTTP/1.0
// request that is HTTP/1.1; RFC 9112 §2.3 says how that stays readable: "When
// an HTTP/1.1 message is sent to an HTTP/1.0 recipient or a recipient whose
// version is unknown, the HTTP/1.1 message is constructed such that it can be
// interpreted as a valid HTTP/1.0 message if all the newer features are
// ignored." The target's highest version is read from its answer to an
// HTTP/1.1 request on another connection, so an HTTP/1.0-only target conforms.
// Not covered here: framing the body for an HTTP/1.0 client (KA-07).
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { rawResponse } from '../support/origin.js'
import { statusLine } from '../support/request.js'
import { requestAtOrigin, responseAtClient } from './exchange.js'

const HTTP11 = 'HTTP/1.1'

export const httpVersionCases = [
  defineCase({
    id: 'writes-own-version-in-request-line',
    title: 'An HTTP/1.0 request is forwarded with the proxy’s own version, HTTP/1.1',
    requirements: ['HOP-12'],
    spec: [
      { rfc: 9112, section: '2.3' },
      { rfc: 9110, section: '2.5' },
    ],
    requirement:
      'An intermediary MUST send its own HTTP-version in forwarded messages, not the one it received.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, { version: 'HTTP/1.0' })
      const { head } = seen.message
      // The suite targets HTTP/1.1 intermediaries, so HTTP/1.1 is the proxy's own version.
      return head.version === HTTP11
        ? conforms()
        : violates(
            `the proxy's own version (${HTTP11}) in the request line`,
            `${head.method} ${head.target} ${head.version}`,
          )
    },
  }),
  defineCase({
    id: 'writes-own-version-in-status-line',
    title: 'An HTTP/1.0 response is relayed with the proxy’s own version, HTTP/1.1',
    requirements: ['HOP-12'],
    spec: [
      { rfc: 9112, section: '2.3' },
      { rfc: 9110, section: '2.5' },
    ],
    requirement:
      'An intermediary MUST send its own HTTP-version in forwarded messages, not the one it received.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const read = await responseAtClient(ctx, rawResponse({ version: 'HTTP/1.0', close: true }))
      return read.head.version === HTTP11
        ? conforms()
        : violates(`the proxy's own version (${HTTP11}) in the status line`, statusLine(read))
    },
  }),
  defineCase({
    id: 'answers-http10-client-with-own-version',
    title:
      'The response to an HTTP/1.0 client carries the intermediary’s own version (HTTP/1.1), not the client’s',
    requirements: ['HOP-12'],
    spec: [
      { rfc: 9110, section: '6.2' },
      { rfc: 9112, section: '2.3' },
    ],
    requirement:
      'A server SHOULD send the highest version it conforms to whose major version is at most the request’s: HTTP/1.1 to an HTTP/1.0 client too.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // Its own version: what it answers an HTTP/1.1 request with.
      const own = await responseAtClient(ctx, rawResponse({}), { suffix: 'own-version' })
      const read = await responseAtClient(ctx, rawResponse({}), {
        suffix: 'http10-client',
        version: 'HTTP/1.0',
      })
      const version = own.head.version
      ctx.note(
        `the target answered an HTTP/1.1 GET with ${statusLine(own)} and an HTTP/1.0 GET with ${statusLine(read)}`,
      )
      return read.head.version === version
        ? conforms(`${statusLine(read)}, its own version`)
        : violates(
            `the target's own version (${version}, as on its answer to an HTTP/1.1 GET) on its answer to an HTTP/1.0 client`,
            statusLine(read),
          )
    },
  }),
]
