// The WebSocket opening handshake through an intermediary (RFC 6455 §4; RFC
// 9110 §7.8): the fields pass end to end unchanged, the Accept the client gets
// is the one for its own key, and a Connection list that has more than
// `upgrade` in it still upgrades.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { websocketAccept, websocketKey } from '../../harness/origin/upgrade-accept.js'
import { websocketEndpoint } from '../../harness/origin/upgrade-endpoints.js'
import { fieldValues, firstFieldValue, hasField } from '../../harness/wire/fields.js'
import {
  expectAtOrigin,
  frameBytes,
  handshakeBytes,
  openWebSocket,
  SAMPLE_ACCEPT,
  SAMPLE_KEY,
} from '../support/websocket.js'
import { opened, switchProblems, UPGRADE_ROLES as ROLES } from './handshake-checks.js'

const REQUEST_FIELDS = [
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'origin',
] as const

export const websocketHandshakeCases = [
  defineCase({
    id: 'websocket-handshake-fields-pass-unchanged',
    title:
      'Sec-WebSocket-Key, -Version, -Protocol, -Extensions and Origin reach the origin unchanged, and its Accept and Protocol reach the client',
    requirements: ['UPG-07'],
    spec: [
      { rfc: 6455, section: '4.1' },
      { rfc: 6455, section: '4.2.2' },
      { rfc: 9110, section: '7.8' },
    ],
    requirement:
      'A relaying intermediary passes the WebSocket handshake fields end to end unchanged and regenerates only Upgrade and Connection.',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const sent = {
        'sec-websocket-key': SAMPLE_KEY,
        'sec-websocket-version': '13',
        'sec-websocket-protocol': 'chat, superchat',
        'sec-websocket-extensions': 'permessage-deflate',
        origin: 'https://app.test',
      }
      const endpoint = websocketEndpoint({ protocol: () => 'chat' })
      const result = opened(
        await openWebSocket(
          ctx,
          endpoint,
          handshakeBytes(ctx, {
            headers: [
              ['Origin', sent.origin],
              ['Sec-WebSocket-Protocol', sent['sec-websocket-protocol']],
              ['Sec-WebSocket-Extensions', sent['sec-websocket-extensions']],
            ],
          }),
        ),
      )
      const { response, session } = result
      const problems: string[] = []
      const atOrigin = session.request.message.head.headers
      for (const name of REQUEST_FIELDS) {
        const seen = fieldValues(atOrigin, name).join(', ')
        if (seen !== sent[name]) problems.push(`origin saw ${name}: "${seen}", not "${sent[name]}"`)
      }
      const accept = fieldValues(response.head.headers, 'sec-websocket-accept').join(', ')
      if (accept !== SAMPLE_ACCEPT) problems.push(`client got Sec-WebSocket-Accept: "${accept}"`)
      const protocol = fieldValues(response.head.headers, 'sec-websocket-protocol').join(', ')
      if (protocol !== 'chat') problems.push(`client got Sec-WebSocket-Protocol: "${protocol}"`)
      problems.push(...switchProblems(response).map((p) => `client's 101 has ${p}`))
      return problems.length === 0
        ? conforms()
        : violates('every handshake field byte-identical on the other hop', problems.join('; '))
    },
  }),
  defineCase({
    id: 'websocket-accept-matches-client-key',
    title: "The Sec-WebSocket-Accept the client gets is the one for the client's own key",
    requirements: ['UPG-08'],
    spec: [
      { rfc: 6455, section: '4.2.2' },
      { rfc: 6455, section: '1.3' },
    ],
    requirement:
      'Sec-WebSocket-Accept is base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)) of the key the client sent, and no Sec-WebSocket-Protocol comes back unless one was offered.',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const problems: string[] = []
      let ownKeyUpstream = false
      for (const [index, key] of [SAMPLE_KEY, websocketKey()].entries()) {
        const result = opened(
          await openWebSocket(
            ctx,
            websocketEndpoint(),
            handshakeBytes(ctx, { key, suffix: `ws${index}` }),
          ),
        )
        const { response, session } = result
        const accept = firstFieldValue(response.head.headers, 'sec-websocket-accept')
        const expected = websocketAccept(key)
        if (accept !== expected)
          problems.push(`key ${key}: Accept "${accept ?? '(none)'}", not "${expected}"`)
        if (hasField(response.head.headers, 'sec-websocket-protocol'))
          problems.push(`key ${key}: a Sec-WebSocket-Protocol nobody offered`)
        if (firstFieldValue(session.request.message.head.headers, 'sec-websocket-key') !== key)
          ownKeyUpstream = true
        await result.client.close()
      }
      if (problems.length > 0)
        return violates(
          'the Accept computed from the client key (RFC 6455 §4.2.2 step 5)',
          problems.join('; '),
        )
      if (!ownKeyUpstream) {
        ctx.note(
          'the target passed the client key upstream: the check of a wrong upstream Accept does not apply',
        )
        return conforms()
      }
      // A gateway with its own upstream key must check the origin's Accept against it.
      const broken = websocketEndpoint({ accept: () => 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })
      const result = await openWebSocket(
        ctx,
        broken,
        handshakeBytes(ctx, { suffix: 'wrong-accept' }),
      )
      if (result.kind === 'open')
        return violates(
          'no 101 when the origin Accept does not match the gateway key',
          'the client got a 101',
        )
      return result.kind === 'outcome' && result.outcome.kind === 'timeout'
        ? result.outcome
        : conforms()
    },
  }),
  defineCase({
    id: 'connection-keep-alive-upgrade-upgrades',
    title: '`Connection: keep-alive, Upgrade` upgrades like `Connection: Upgrade`',
    requirements: ['UPG-07', 'HOP-02'],
    spec: [
      { rfc: 9110, section: '7.8' },
      { rfc: 9110, section: '7.6.1' },
      { rfc: 9110, section: '5.6.1' },
    ],
    requirement:
      'Connection is a list: an `upgrade` option among others (as browsers send it) is still a request to upgrade.',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const plain = opened(
        await openWebSocket(ctx, websocketEndpoint(), handshakeBytes(ctx, { suffix: 'plain' })),
      )
      await plain.client.close()
      const listed = await openWebSocket(
        ctx,
        websocketEndpoint(),
        handshakeBytes(ctx, { suffix: 'listed', connection: 'keep-alive, Upgrade' }),
      )
      if (listed.kind === 'outcome') return listed.outcome
      if (listed.kind === 'refused') {
        return violates(
          'a 101, as for `Connection: Upgrade`',
          `${listed.provenance} for \`Connection: keep-alive, Upgrade\``,
        )
      }
      const frame = frameBytes({ opcode: 1, payload: 'through' })
      await listed.ws.client.write(frame)
      await expectAtOrigin(ctx, listed.ws.session, frame, 'the first frame at the origin')
      return conforms()
    },
  }),
]
