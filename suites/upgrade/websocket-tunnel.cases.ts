// After the 101 the connection is a tunnel (RFC 6455 §5; RFC 9110 §9.3.6):
// frames pass byte for byte both ways, and a close on either side is
// delivered, then both connections close.
import { deflateRawSync } from 'node:zlib'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { websocketEndpoint } from '../../harness/origin/upgrade-endpoints.js'
import {
  closePayload,
  expectAtOrigin,
  expectFromTarget,
  frameBytes,
  handshakeBytes,
  openWebSocket,
} from '../support/websocket.js'
import { opened, UPGRADE_ROLES as ROLES } from './handshake-checks.js'

export const websocketTunnelCases = [
  defineCase({
    id: 'websocket-frames-pass-byte-for-byte',
    title:
      'Compressed fragments with RSV1, an interleaved ping, a 125-byte ping and a close pass byte for byte both ways',
    requirements: ['UPG-10'],
    spec: [
      { rfc: 6455, section: '5.3' },
      { rfc: 6455, section: '5.4' },
      { rfc: 6455, section: '10.3' },
      { rfc: 7692, section: '6' },
    ],
    requirement:
      'Relayed WebSocket traffic passes unchanged: masks and payloads untouched, control frames not fragmented, message fragmentation and reserved bits left as they are.',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const deflated = deflateRawSync(
        Buffer.from('a message in three compressed fragments '.repeat(8)),
      )
      const third = Math.ceil(deflated.length / 3)
      const fromClient = Buffer.concat([
        frameBytes({ fin: false, rsv1: true, opcode: 1, payload: deflated.subarray(0, third) }),
        frameBytes({ opcode: 9, payload: 'between fragments' }),
        frameBytes({ fin: false, opcode: 0, payload: deflated.subarray(third, 2 * third) }),
        frameBytes({ opcode: 0, payload: deflated.subarray(2 * third) }),
        frameBytes({ opcode: 9, payload: Buffer.alloc(125, 0x70) }),
        frameBytes({ opcode: 8, payload: closePayload(1000, 'done') }),
      ])
      const fromOrigin = Buffer.concat([
        frameBytes({
          rsv1: true,
          opcode: 1,
          payload: deflateRawSync(Buffer.from('server says hi')),
          masked: false,
        }),
        frameBytes({ opcode: 9, payload: 'server ping', masked: false }),
        frameBytes({ opcode: 2, payload: Buffer.alloc(300, 0xa5), masked: false }),
      ])
      const endpoint = websocketEndpoint({
        mode: 'listen',
        headers: [['Sec-WebSocket-Extensions', 'permessage-deflate']],
        first: fromOrigin,
      })
      const result = opened(
        await openWebSocket(
          ctx,
          endpoint,
          handshakeBytes(ctx, { headers: [['Sec-WebSocket-Extensions', 'permessage-deflate']] }),
        ),
      )
      const { client, session } = result
      await expectFromTarget(client, fromOrigin, "the origin's frames at the client, as sent")
      await client.write(fromClient)
      await expectAtOrigin(ctx, session, fromClient, "the client's frames at the origin, as sent")
      return conforms()
    },
  }),
  defineCase({
    id: 'websocket-close-propagates',
    title:
      'A close frame and FIN from either side reach the other side, then both connections close',
    requirements: ['UPG-14'],
    spec: [
      { rfc: 9110, section: '9.3.6' },
      { rfc: 6455, section: '7' },
    ],
    requirement:
      'After a 101 the tunnel closing rules apply: when one side closes, what it sent is delivered, then both sides are closed; the close handshake passes untouched.',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      // (a) The origin closes: its close frame, then EOF at the client.
      const byOrigin = opened(
        await openWebSocket(
          ctx,
          websocketEndpoint({ mode: 'listen' }),
          handshakeBytes(ctx, { suffix: 'origin-closes' }),
        ),
      )
      const serverClose = frameBytes({
        opcode: 8,
        payload: closePayload(1001, 'going away'),
        masked: false,
      })
      byOrigin.session.send(serverClose)
      byOrigin.session.close()
      await expectFromTarget(byOrigin.client, serverClose, "the origin's close frame at the client")
      const closedA = await byOrigin.client.waitForClose({ timeoutMs: ctx.quietMs })
      if (isTimeout(closedA))
        return violates(
          'EOF at the client after the origin closed',
          `the client connection was still open after ${Math.round(closedA.afterMs)} ms`,
        )
      // (b) The client closes: its close frame, then EOF at the origin, then the client connection closes too.
      const byClient = opened(
        await openWebSocket(
          ctx,
          websocketEndpoint({ mode: 'listen' }),
          handshakeBytes(ctx, { suffix: 'client-closes' }),
        ),
      )
      const clientClose = frameBytes({ opcode: 8, payload: closePayload(1000, 'bye') })
      await byClient.client.write(clientClose)
      await byClient.client.end()
      const { session } = byClient
      await expectAtOrigin(ctx, session, clientClose, "the client's close frame at the origin")
      const ended = await session.until(
        'EOF at the origin',
        () => (session.peerEnded || session.closed ? true : undefined),
        ctx.quietMs,
      )
      if (isTimeout(ended))
        return violates(
          'EOF at the origin after the client closed',
          'the origin connection stayed open',
        )
      const closedB = await byClient.client.waitForClose({ timeoutMs: ctx.quietMs })
      if (isTimeout(closedB))
        return violates(
          'both connections closed once both sides had',
          'the client connection was left half-open',
        )
      return conforms()
    },
  }),
]
