// expectAtOrigin against a real origin session whose frame arrived with the
// handshake (before the 101): the handed-over early buffer is unmasked in place
// by the origin's ws endpoint, and must not be taken for what the target sent.
import { afterEach, describe, expect, it } from 'vitest'
import { openRawClient } from '../../harness/client/index.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { Scope } from '../../harness/net/started.js'
import { TranscriptRecorder } from '../../harness/net/transcript.js'
import { startOrigin } from '../../harness/origin/origin-server.js'
import { websocketEndpoint } from '../../harness/origin/upgrade-endpoints.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { expectAtOrigin, frameBytes, SAMPLE_KEY } from './websocket.js'

let scope = new Scope()
afterEach(async () => {
  await scope.close()
  scope = new Scope()
})

describe('expectAtOrigin', () => {
  it('compares the bytes as delivered, not the early buffer ws unmasked in place', async () => {
    const origin = scope.use(await startOrigin())
    // Holds its 101 until bytes follow the request, so the frame is early.
    const endpoint = websocketEndpoint({ holdMs: 1000 })
    origin.behave('t-aaaaaa-1', endpoint.behaviour)
    const client = scope.use(
      await openRawClient({
        host: origin.host,
        port: origin.port,
        id: 'c1',
        timeoutMs: 2000,
        transcript: new TranscriptRecorder(),
      }),
    )
    const frame = frameBytes({ opcode: 1, payload: 'through' })
    const request = requestBytes({
      method: 'GET',
      target: '/t-aaaaaa-1/ws',
      headers: [
        ['Host', 'origin.test'],
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Key', SAMPLE_KEY],
        ['Sec-WebSocket-Version', '13'],
      ],
    })
    await client.write(Buffer.concat([request, frame]))
    const read = await client.readResponse()
    expect(read.kind === 'response' && read.message.head.status).toBe(101)
    const session = await endpoint.nextSession(2000)
    if (isTimeout(session)) throw new Error('the origin never switched')
    expect(session.early.length).toBe(frame.length)
    // The echo proves ws has read (and unmasked) the early bytes.
    const echo = await client.readBytes(2 + 'through'.length)
    expect(echo.data.subarray(2).toString()).toBe('through')
    const ctx = { remainingMs: () => 2000 } as unknown as CaseContext
    // It returns (the frame arrived intact) rather than ending the case.
    await expect(
      expectAtOrigin(ctx, session, frame, 'the frame at the origin'),
    ).resolves.toBeUndefined()
  })
})
