import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { openRawClient } from './raw-client.js'
import { startScriptServer } from './test-server.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

async function connected(transcript = new TranscriptRecorder()) {
  const script = scope.use(await startScriptServer())
  const accepted = script.nextConnection(2000)
  const client = scope.use(
    await openRawClient({ host: '127.0.0.1', port: script.port, id: 'c1', transcript }),
  )
  const conn = await accepted
  if (isTimeout(conn)) throw new Error('not accepted')
  return { script, client, conn, transcript }
}

describe('RawClient close detection', () => {
  it('tells EOF from RST', async () => {
    const eof = await connected()
    eof.conn.socket.end('partial')
    expect(await eof.client.readResponse()).toMatchObject({ kind: 'closed', how: 'eof' })
    expect(eof.client.peerState).toBe('eof')

    const rst = await connected()
    rst.conn.socket.write('HTTP/1.1 200 OK\r\n')
    await rst.client.readBytes(17)
    rst.conn.socket.resetAndDestroy()
    const got = await rst.client.readResponse()
    expect(got).toMatchObject({ kind: 'closed', how: 'reset' })
    expect(rst.client.peerState).toBe('reset')
    expect(rst.transcript.events().map((e) => e.type)).toContain('reset')
  })

  it('half-closes: the server sees our FIN and we can still read its answer', async () => {
    const { script, client, conn } = await connected()
    await client.write('GET / HTTP/1.0\r\n\r\n')
    await client.end()
    const record = await script.server.waitForPeerEnd(conn.record.id, 2000)
    if (isTimeout(record)) throw new Error('FIN not seen')
    expect(record.peerEnded).toBe(true)
    expect(record.received.toString()).toBe('GET / HTTP/1.0\r\n\r\n')
    conn.socket.end('HTTP/1.0 204 No Content\r\n\r\n')
    const got = await client.readResponse()
    expect(got.kind === 'response' ? got.message.head.status : got).toBe(204)
  })

  it('readUntilClose returns everything up to the close; waitForClose discards', async () => {
    const first = await connected()
    first.conn.socket.write('abc')
    first.conn.socket.end('def')
    expect(await first.client.readUntilClose()).toEqual({ data: Buffer.from('abcdef'), how: 'eof' })

    const second = await connected()
    second.conn.socket.end('ignored')
    expect(await second.client.waitForClose()).toEqual({ kind: 'eof' })
    expect(second.client.buffered).toBe(0)
    const still = await connected()
    expect(await still.client.waitForClose({ timeoutMs: 50 })).toMatchObject({ kind: 'timeout' })
    expect((await still.client.readUntilClose({ timeoutMs: 50 })).how).toBe('timeout')
  })

  it('keeps the transcript in order: open, our bytes, theirs, FINs, close', async () => {
    const { client, conn, transcript } = await connected()
    await client.write('ping')
    conn.socket.write('pong')
    await client.readBytes(4)
    await client.end()
    conn.socket.end()
    await client.waitForClose()
    await client.close()
    const summary = transcript
      .events()
      .map((e) => [e.type, e.dir, e.data?.toString()].filter(Boolean).join(' '))
    expect(summary).toEqual([
      'open',
      'data to-target ping',
      'data from-target pong',
      'end to-target',
      'end from-target',
      'close',
    ])
    expect(transcript.events().every((e) => e.hop === 'client' && e.conn === 'c1')).toBe(true)
    const times = transcript.events().map((e) => e.at)
    expect([...times].sort((a, b) => a - b)).toEqual(times)
  })

  it('close() is idempotent, marks the close as ours, and ends pending reads', async () => {
    const { client, transcript } = await connected()
    const reading = client.readBytes(1, { timeoutMs: 10_000 })
    await Promise.all([client.close(), client.close()])
    expect((await reading).ended).toBe('timeout')
    client.destroy()
    const closes = transcript.events().filter((e) => e.type === 'close')
    expect(closes).toHaveLength(1)
    expect(closes[0]?.detail).toBe('closed by the harness client')
  })
})
