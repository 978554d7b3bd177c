import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { openRawClient, type RawClientOptions } from './raw-client.js'
import { startScriptServer, writeByteByByte } from './test-server.js'
import type { ReadResponseResult } from './types.js'

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

async function connected(options: Partial<RawClientOptions> = {}) {
  const script = scope.use(await startScriptServer())
  const accepted = script.nextConnection(2000)
  const client = scope.use(
    await openRawClient({
      host: '127.0.0.1',
      port: script.port,
      id: 'c1',
      transcript: new TranscriptRecorder(),
      ...options,
    }),
  )
  const conn = await accepted
  if (isTimeout(conn)) throw new Error('not accepted')
  return { client, conn }
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'

function message(result: ReadResponseResult) {
  if (result.kind !== 'response') throw new Error(`expected a response, got ${result.kind}`)
  return result.message
}

describe('RawClient.readResponse', () => {
  it('parses a whole response', async () => {
    const { client, conn } = await connected()
    conn.socket.write(OK)
    const got = message(await client.readResponse())
    expect(got.head.status).toBe(200)
    expect(got.body.toString()).toBe('hello')
    expect(got.raw.toString('latin1')).toBe(OK)
    expect(client.buffered).toBe(0)
  })

  it('parses a response written one byte at a time', async () => {
    const { client, conn } = await connected()
    const reading = client.readResponse()
    await writeByteByByte(conn, OK)
    const got = message(await reading)
    expect(got.body.toString()).toBe('hello')
    expect(got.complete).toBe(true)
  })

  it('reads pipelined responses in order, and 1xx before the final one', async () => {
    const { client, conn } = await connected()
    const second = 'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnop'
    conn.socket.write(`HTTP/1.1 100 Continue\r\n\r\n${OK}${second}`)
    const first = await client.readResponse()
    expect(first.kind === 'response' ? first.interim.map((m) => m.head.status) : first).toEqual([
      100,
    ])
    expect(message(first).head.status).toBe(200)
    expect(client.buffered).toBe(second.length)
    expect(message(await client.readResponse()).body.toString()).toBe('nop')
  })

  it('completes a close-delimited response at EOF', async () => {
    const { client, conn } = await connected()
    conn.socket.end('HTTP/1.0 200 OK\r\n\r\nuntil the end')
    const got = message(await client.readResponse())
    expect(got.framing).toBe('close-delimited')
    expect(got.body.toString()).toBe('until the end')
    expect(client.peerState).toBe('eof')
  })

  it('keeps tunnel bytes that came in the segment of a CONNECT 200 for readBytes', async () => {
    const { client, conn } = await connected()
    conn.socket.write('HTTP/1.1 200 Connection Established\r\n\r\nbanner\r\n')
    const got = message(await client.readResponse({ requestMethod: 'CONNECT' }))
    expect(got.framing).toBe('tunnel')
    expect(await client.readBytes(8)).toEqual({ data: Buffer.from('banner\r\n'), ended: undefined })
  })

  it('keeps the bytes after a 101 for readBytes', async () => {
    const { client, conn } = await connected()
    const head =
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
    conn.socket.write(Buffer.concat([Buffer.from(head), Buffer.from([0x81, 0x02, 0x68, 0x69])]))
    expect(message(await client.readResponse()).framing).toBe('tunnel')
    const frame = await client.readBytes(10, { timeoutMs: 100 })
    expect(frame).toEqual({ data: Buffer.from([0x81, 0x02, 0x68, 0x69]), ended: 'timeout' })
  })

  it('returns a timeout value within the deadline, with what had arrived', async () => {
    const { client, conn } = await connected()
    conn.socket.write('HTTP/1.1 200 OK\r\nContent-Le')
    const started = performance.now()
    const got = await client.readResponse({ timeoutMs: 100 })
    const took = performance.now() - started
    expect(got).toMatchObject({ kind: 'timeout', waitingFor: 'a response' })
    expect(got.kind === 'timeout' ? got.partial.toString() : '').toBe(
      'HTTP/1.1 200 OK\r\nContent-Le',
    )
    expect(took).toBeGreaterThanOrEqual(95)
    expect(took).toBeLessThan(1000)
    // The bytes are still there for the next read.
    expect(client.buffered).toBe(27)
  })

  it('stops reading an endless body at the read cap, and drops it all once destroyed', async () => {
    const { client, conn } = await connected()
    conn.socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
    const chunk = Buffer.from(`4000\r\n${'x'.repeat(0x4000)}\r\n`)
    const flood = (): void => {
      while (!conn.socket.destroyed && conn.socket.write(chunk)) {
        // until the kernel buffer is full, then on drain
      }
    }
    conn.socket.on('drain', flood)
    conn.socket.on('error', () => undefined)
    flood()
    const got = await client.readResponse({ timeoutMs: 300 })
    expect(got.kind).toBe('timeout')
    const partial = got.kind === 'timeout' ? got.partial.length : 0
    // Paused at the 4 MiB cap (plus the read in flight), not the whole flood.
    expect(partial).toBeGreaterThan(1024 * 1024)
    expect(partial).toBeLessThanOrEqual(4 * 1024 * 1024 + 256 * 1024)
    expect(client.buffered).toBe(partial)
    client.destroy()
    // The case's scope keeps the client until the case ends: its bytes must not stay with it.
    expect(client.buffered).toBe(0)
  })

  it('resolves pending reads as timeouts when the signal aborts', async () => {
    const controller = new AbortController()
    const { client } = await connected({ signal: controller.signal, timeoutMs: 10_000 })
    const reading = client.readResponse()
    const bytes = client.readBytes(1)
    controller.abort()
    expect((await reading).kind).toBe('timeout')
    expect((await bytes).ended).toBe('timeout')
  })

  it('reports a malformed response in strict mode, and reads it leniently by default', async () => {
    const bareLf = 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok'
    const strict = await connected()
    strict.conn.socket.write(bareLf)
    expect(await strict.client.readResponse({ mode: 'strict' })).toMatchObject({
      kind: 'malformed',
    })
    const lenient = await connected()
    lenient.conn.socket.write(bareLf)
    const got = message(await lenient.client.readResponse())
    expect(got.body.toString()).toBe('ok')
    expect(got.anomalies.map((a) => a.code)).toContain('bare-lf')
  })
})
