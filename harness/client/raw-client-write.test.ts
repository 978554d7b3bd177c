import { createServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { isHarnessError } from '../net/errors.js'
import { listenLoopback } from '../net/loopback.js'
import { Scope } from '../net/started.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { splitFragments } from './fragments.js'
import { openRawClient } from './raw-client.js'
import { startScriptServer } from './test-server.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

const HEAD = 'GET /a HTTP/1.1\r\nHost: origin.test\r\n\r\n'

async function connected(transcript = new TranscriptRecorder()) {
  const script = await startScriptServer()
  scope.use(script)
  const accepted = script.nextConnection(2000)
  const client = scope.use(
    await openRawClient({ host: '127.0.0.1', port: script.port, id: 'c1', transcript }),
  )
  const conn = await accepted
  if (isTimeout(conn)) throw new Error('not accepted')
  return { script, client, conn, transcript }
}

describe('RawClient.write', () => {
  it('sends exact bytes: every byte value, and strings as latin1', async () => {
    const { script, client, conn } = await connected()
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    await client.write(every)
    await client.write('caf\u00e9\r\n')
    const record = await script.server.waitForBytes(conn.record.id, 262, 2000)
    if (isTimeout(record)) throw new Error('bytes missing')
    expect(
      record.received.equals(
        Buffer.concat([every, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0d, 0x0a])]),
      ),
    ).toBe(true)
  })

  it('sends one byte per write when fragments is 1, and the server sees the whole message', async () => {
    const { script, client, conn, transcript } = await connected()
    const chunks: number[] = []
    script.server.onEvent((e) => e.type === 'data' && e.dir === 'in' && chunks.push(e.data.length))
    await client.write(HEAD, { fragments: 1 })
    const record = await script.server.waitForBytes(conn.record.id, HEAD.length, 2000)
    expect(isTimeout(record) ? record : record.received.toString('latin1')).toBe(HEAD)
    const sent = transcript.events().filter((e) => e.type === 'data' && e.dir === 'to-target')
    expect(sent.map((e) => e.data?.length)).toEqual(Array.from({ length: HEAD.length }, () => 1))
    // Each write waited for the previous one to leave, so the server did not get it in one read.
    expect(chunks.length).toBeGreaterThan(1)
  })

  it('cuts by an array of sizes, the rest going last', async () => {
    const { script, client, conn, transcript } = await connected()
    await client.write(HEAD, { fragments: [3, 5] })
    await script.server.waitForBytes(conn.record.id, HEAD.length, 2000)
    const sizes = transcript.events().flatMap((e) => (e.type === 'data' ? [e.data?.length] : []))
    expect(sizes).toEqual([3, 5, HEAD.length - 8])
    expect(script.server.connections[0]?.received.toString('latin1')).toBe(HEAD)
  })

  it('refuses a fragment size that is not a positive integer', async () => {
    const { client } = await connected()
    await expect(client.write(HEAD, { fragments: 0 })).rejects.toSatisfy((e) =>
      isHarnessError(e, 'HARNESS_BAD_INPUT'),
    )
    expect(() => splitFragments(Buffer.from('ab'), [1.5])).toThrow(/positive integers/)
    expect(splitFragments(Buffer.from('abcdef'), 4).map(String)).toEqual(['abcd', 'ef'])
    expect(splitFragments(Buffer.alloc(0), 1)).toEqual([])
  })

  it('rejects with HARNESS_TARGET_UNREACHABLE when nothing listens', async () => {
    const server = createServer()
    const { port } = await listenLoopback(server)
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const transcript = new TranscriptRecorder()
    const opening = openRawClient({ host: '127.0.0.1', port, id: 'c9', transcript })
    await expect(opening).rejects.toSatisfy((e) => isHarnessError(e, 'HARNESS_TARGET_UNREACHABLE'))
    expect(transcript.events().map((e) => e.type)).toContain('error')
  })

  it('records what it could not send once the connection is gone, without throwing', async () => {
    const { client, conn, transcript } = await connected()
    conn.socket.resetAndDestroy()
    expect(await client.waitForClose()).toEqual({ kind: 'reset' })
    await client.write('too late')
    expect(
      transcript.events().some((e) => e.type === 'error' && (e.detail ?? '').includes('not sent')),
    ).toBe(true)
  })
})
