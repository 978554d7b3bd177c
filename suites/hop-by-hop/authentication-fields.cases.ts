// RFC 9110 §11.6.2: a proxy MUST NOT modify Authorization; §11.6.1: nor
// WWW-Authenticate in a response, several lines of which keep their order.
// Both sentences bind "a proxy": in the reverse role a change is INFO (a
// gateway may do authentication for its origin).
// Proxy-Authorization being consumed by an auth-enabled proxy (HOP-10's
// credential-leak half) is in proxy-authorization.cases.ts: it needs a target
// declared to demand proxy credentials (--proxy-auth).
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { rawResponse } from '../support/origin.js'
import { listed, proxySentence, requestAtOrigin, responseAtClient } from './exchange.js'

const CREDENTIALS = 'Bearer xyz.AbC-123_=='
const CHALLENGES = ['Basic realm="proxyspec a"', 'Bearer realm="b", error="invalid_token"']

export const authenticationFieldCases = [
  defineCase({
    id: 'forwards-authorization-unchanged',
    title: 'Authorization reaches the origin byte for byte',
    requirements: ['HOP-10'],
    spec: [
      { rfc: 9110, section: '11.6.2' },
      { rfc: 9110, section: '11.7.2' },
    ],
    requirement:
      'A proxy forwarding a request MUST NOT modify any Authorization field in it; only Proxy-Authorization is meant for the proxy.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, { headers: [['Authorization', CREDENTIALS]] })
      // The value byte for byte; the name is case-insensitive (RFC 9110 §5.1), so
      // "authorization:" from a proxy that lower-cases names is the same field.
      const lines = seen.message.head.headers
        .filter((f) => f.name.toLowerCase() === 'authorization')
        .map((f) => f.value)
      return proxySentence(
        ctx,
        lines.length === 1 && lines[0] === CREDENTIALS
          ? conforms()
          : violates(
              `Authorization: ${CREDENTIALS} at the origin`,
              `Authorization lines: ${listed(lines)}`,
            ),
        'RFC 9110 §11.6.2 ("A proxy forwarding a request MUST NOT modify any Authorization header fields")',
      )
    },
  }),
  defineCase({
    id: 'forwards-www-authenticate-unchanged',
    title: 'Several WWW-Authenticate lines reach the client unchanged and in order',
    requirements: ['HOP-10'],
    spec: [
      { rfc: 9110, section: '11.6.1' },
      { rfc: 9110, section: '5.3' },
    ],
    requirement: 'A proxy forwarding a response MUST NOT modify any WWW-Authenticate field in it.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const read = await responseAtClient(
        ctx,
        rawResponse({
          status: 401,
          headers: CHALLENGES.map((challenge) => ['WWW-Authenticate', challenge] as const),
        }),
      )
      const seen = fieldValues(read.head.headers, 'www-authenticate')
      // Joining the lines with a comma is allowed by §5.3 but not by §11.6.1's "MUST NOT modify":
      // challenges carry commas of their own, and a joined line is where clients mis-parse them.
      return proxySentence(
        ctx,
        seen.length === CHALLENGES.length && seen.every((v, i) => v === CHALLENGES[i])
          ? conforms()
          : violates(
              `WWW-Authenticate lines ${listed(CHALLENGES)}`,
              `WWW-Authenticate lines ${listed(seen)}`,
            ),
        'RFC 9110 §11.6.1 ("A proxy forwarding a response MUST NOT modify any WWW-Authenticate header fields")',
      )
    },
  }),
]
