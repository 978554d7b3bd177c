import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { openRawClient } from '../client/index.js'
import { isTimeout, raceTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { firstFieldValue } from '../wire/fields.js'
import { requestBytes } from '../wire/serialize.js'
import { startOrigin } from './origin-server.js'
import { websocketAccept } from './upgrade-accept.js'
import {
  byteUpgradeEndpoint,
  h2cEndpoint,
  H2_EMPTY_SETTINGS,
  refusalBytes,
  refusingEndpoint,
  websocketEndpoint,
} from './upgrade-endpoints.js'

let scope = new Scope()
afterEach(async () => {
  await scope.close()
  scope = new Scope()
})

const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='

async function within<T>(what: string, work: Promise<T>, ms = 2000): Promise<T> {
  const result = await raceTimeout(what, work, ms)
  if (isTimeout(result)) throw new Error(`timed out waiting for ${what}`)
  return result
}

async function setup() {
  const origin = scope.use(await startOrigin())
  const client = async () =>
    scope.use(
      await openRawClient({
        host: origin.host,
        port: origin.port,
        id: 'c1',
        timeoutMs: 2000,
        transcript: new TranscriptRecorder(),
      }),
    )
  return { origin, client }
}

const wsRequest = (target: string, extra: [string, string][] = []): Buffer =>
  requestBytes({
    method: 'GET',
    target,
    headers: [
      ['Host', 'origin.test'],
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key', SAMPLE_KEY],
      ['Sec-WebSocket-Version', '13'],
      ...extra,
    ],
  })

describe('origin upgrade endpoints', () => {
  it('a ws client gets a 101, its subprotocol, echoes and a clean close', async () => {
    const { origin } = await setup()
    const endpoint = websocketEndpoint({ protocol: (offered) => offered.at(-1) })
    origin.behave('t-aaaaaa-1', endpoint.behaviour)
    const ws = new WebSocket(`ws://${origin.authority}/t-aaaaaa-1/ws`, ['chat', 'superchat'])
    scope.defer(() => ws.terminate())
    await within('open', once(ws, 'open'))
    expect(ws.protocol).toBe('superchat')
    const echoed = once(ws, 'message')
    ws.send('hello')
    const [data] = (await within('echo', echoed)) as [Buffer]
    expect(data.toString()).toBe('hello')
    const session = await endpoint.nextSession(1000)
    if (isTimeout(session)) throw new Error('no session')
    expect(session.messages.map((m) => m.data.toString())).toEqual(['hello'])
    const closed = once(ws, 'close')
    ws.close(1000, 'bye')
    const [code] = (await within('close', closed)) as [number]
    expect(code).toBe(1000)
    const frame = await session.until('close frame', () => session.closeFrame, 1000)
    expect(frame).toEqual({ code: 1000, reason: 'bye' })
    // The bytes after the 101 are in the transcript too.
    const fromTarget = origin.transcript
      .events()
      .filter((e) => e.dir === 'from-target' && e.type === 'data')
    expect(Buffer.concat(fromTarget.map((e) => e.data ?? Buffer.alloc(0))).length).toBeGreaterThan(
      wsRequest('/t-aaaaaa-1/ws').length - 40,
    )
  })

  it('writes the Accept for the key and records bytes that came before the 101', async () => {
    const { origin, client } = await setup()
    const endpoint = websocketEndpoint({ mode: 'listen', holdMs: 500 })
    origin.behave('t-aaaaaa-2', endpoint.behaviour)
    const c = await client()
    const frame = Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x69 ^ 1, 0x69 ^ 2])
    await c.write(Buffer.concat([wsRequest('/t-aaaaaa-2/ws'), frame]))
    const read = await c.readResponse()
    if (read.kind !== 'response') throw new Error(read.kind)
    expect(read.message.head.status).toBe(101)
    expect(firstFieldValue(read.message.head.headers, 'sec-websocket-accept')).toBe(
      's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    )
    expect(websocketAccept(SAMPLE_KEY)).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=')
    const session = await endpoint.nextSession(1000)
    if (isTimeout(session)) throw new Error('no session')
    expect(session.early.equals(frame)).toBe(true)
    session.send(Buffer.from([0x81, 0x01, 0x41]))
    const back = await c.readBytes(3)
    expect([...back.data]).toEqual([0x81, 0x01, 0x41])
  })

  it('a generic upgrade echoes raw bytes; h2c switches and sends SETTINGS', async () => {
    const { origin, client } = await setup()
    const generic = byteUpgradeEndpoint({ protocol: 'foo/1' })
    origin.behave('t-aaaaaa-3', generic.behaviour)
    const c = await client()
    await c.write(
      requestBytes({
        method: 'GET',
        target: '/t-aaaaaa-3/',
        headers: [
          ['Host', 'o'],
          ['Connection', 'Upgrade'],
          ['Upgrade', 'foo/1'],
        ],
      }),
    )
    const read = await c.readResponse()
    if (read.kind !== 'response') throw new Error(read.kind)
    expect(read.message.head.status).toBe(101)
    await c.write('ping-bytes')
    expect((await c.readBytes(10)).data.toString()).toBe('ping-bytes')

    const h2c = h2cEndpoint()
    origin.behave('t-aaaaaa-4', h2c.behaviour)
    const d = await client()
    await d.write(
      requestBytes({
        method: 'GET',
        target: '/t-aaaaaa-4/',
        headers: [
          ['Host', 'o'],
          ['Connection', 'Upgrade, HTTP2-Settings'],
          ['Upgrade', 'h2c'],
          ['HTTP2-Settings', 'AAMAAABkAARAAAAAAAIAAAAA'],
        ],
      }),
    )
    const switched = await d.readResponse()
    if (switched.kind !== 'response') throw new Error(switched.kind)
    expect(switched.message.head.status).toBe(101)
    expect((await d.readBytes(9)).data.equals(H2_EMPTY_SETTINGS)).toBe(true)
  })

  it('a refusal keeps the connection HTTP: the next request is parsed and answered', async () => {
    const { origin, client } = await setup()
    const refusing = refusingEndpoint(refusalBytes(426, [['Sec-WebSocket-Version', '13']]))
    origin.behave('t-aaaaaa-5', refusing.behaviour)
    const c = await client()
    await c.write(wsRequest('/t-aaaaaa-5/ws', [['Sec-WebSocket-Version', '25']]))
    const first = await c.readResponse()
    if (first.kind !== 'response') throw new Error(first.kind)
    expect(first.message.head.status).toBe(426)
    await c.write(
      requestBytes({ method: 'GET', target: '/t-aaaaaa-6/next', headers: [['Host', 'o']] }),
    )
    const second = await c.readResponse()
    if (second.kind !== 'response') throw new Error(second.kind)
    expect(second.message.head.status).toBe(200)
    expect(refusing.sessions).toEqual([])
  })
})
