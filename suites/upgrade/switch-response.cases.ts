// The 101 an intermediary relays (RFC 9110 §7.8, §8.6; RFC 9112 §6.1): no
// framing fields, Upgrade and the upgrade option in Connection, the new
// protocol right after its head, and no unrelated connection options.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { websocketEndpoint } from '../../harness/origin/upgrade-endpoints.js'
import { fieldValues, hasField, listTokens } from '../../harness/wire/fields.js'
import {
  expectFromTarget,
  frameBytes,
  handshakeBytes,
  openWebSocket,
} from '../support/websocket.js'
import { opened, switchProblems, UPGRADE_ROLES as ROLES } from './handshake-checks.js'

export const switchResponseCases = [
  defineCase({
    id: '101-has-no-framing-fields',
    title:
      'The relayed 101 has no Content-Length or Transfer-Encoding, lists upgrade in Connection, and the tunnel starts right after its head',
    requirements: ['UPG-11'],
    spec: [
      { rfc: 9110, section: '8.6' },
      { rfc: 9112, section: '6.1' },
      { rfc: 9112, section: '6.3' },
    ],
    requirement:
      'A 1xx response carries no Content-Length or Transfer-Encoding; the 101 carries Upgrade and an upgrade connection option, and the new protocol starts right after it.',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const first = frameBytes({ opcode: 1, payload: 'right after the 101', masked: false })
      const endpoint = websocketEndpoint({
        mode: 'listen',
        headers: [['Content-Length', '0']],
        first,
      })
      const result = opened(await openWebSocket(ctx, endpoint, handshakeBytes(ctx)))
      const { response, client } = result
      const headers = response.head.headers
      const problems = [
        ...['content-length', 'transfer-encoding']
          .filter((name) => hasField(headers, name))
          .map((name) => `${name}: ${fieldValues(headers, name).join(', ')}`),
        ...switchProblems(response),
      ]
      if (problems.length > 0)
        return violates(
          'a 101 without framing fields, with Upgrade and Connection: upgrade',
          problems.join('; '),
        )
      await expectFromTarget(client, first, 'the frame the origin sent right after its 101')
      return conforms()
    },
  }),
  defineCase({
    id: '101-lists-only-upgrade-in-connection',
    title: 'The relayed 101 lists no unrelated option such as keep-alive in Connection',
    requirements: ['UPG-11'],
    spec: [
      { rfc: 9110, section: '7.8' },
      { rfc: 9110, section: '7.6.1' },
    ],
    requirement:
      'Unrelated connection options such as keep-alive are best left out of a 101: strict WebSocket clients reject them (interop, Squid PR #709).',
    level: 'SHOULD',
    roles: ROLES,
    async run(ctx) {
      const result = opened(
        await openWebSocket(
          ctx,
          websocketEndpoint({ headers: [['Keep-Alive', 'timeout=5']] }),
          handshakeBytes(ctx, { connection: 'keep-alive, Upgrade' }),
        ),
      )
      const options = listTokens(result.response.head.headers, 'connection')
      const unrelated = options.filter((o) => o !== 'upgrade')
      return unrelated.length === 0
        ? conforms()
        : violates(
            'Connection: upgrade only',
            `Connection: ${fieldValues(result.response.head.headers, 'connection').join(', ')}`,
          )
    },
  }),
]
