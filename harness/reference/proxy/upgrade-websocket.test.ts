// Issue 4, done-when: a WebSocket through each reference role carries 1,000
// messages both ways intact and in order, with the ws client and the origin's
// ws endpoint (RFC 6455 over a 101 relayed by the proxy, or over CONNECT).
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { isTimeout, raceTimeout } from '../../net/deadline.js'
import { Scope } from '../../net/started.js'
import { startOrigin } from '../../origin/origin-server.js'
import { websocketEndpoint } from '../../origin/upgrade-endpoints.js'
import type { StartedOrigin } from '../../origin/types.js'
import { startTlsTerminator } from '../gateway/index.js'
import { getCertificateCorpus } from '../../tls/certificate-factory.js'
import { startReferenceProxy } from './proxy-server.js'

let scope = new Scope()
afterEach(async () => {
  await scope.close()
  scope = new Scope()
})

const COUNT = 1000

async function within<T>(what: string, work: Promise<T>, ms = 5000): Promise<T> {
  const result = await raceTimeout(what, work, ms)
  if (isTimeout(result)) throw new Error(`timed out waiting for ${what}`)
  return result
}

/** Message i: text or binary, of a size that varies across frame-length encodings (RFC 6455 §5.2). */
function message(i: number): { readonly data: Buffer; readonly binary: boolean } {
  const size = [0, 1, 125, 126, 127, 1000, 65_535, 65_536][i % 8] ?? 1
  const binary = i % 2 === 1
  const data = Buffer.alloc(size, binary ? i % 251 : 0x61 + (i % 26))
  // The index, so a reordering shows: 4 bytes in binary, decimal digits in text (valid UTF-8).
  if (binary && size >= 4) data.writeUInt32BE(i, 0)
  if (!binary && size >= 4) data.write(String(i).padStart(4, '0'), 0, 'latin1')
  return { data, binary }
}

/** Sends COUNT messages, collects COUNT echoes, then closes cleanly; returns what came back. */
async function exchange(ws: WebSocket): Promise<{ data: Buffer; binary: boolean }[]> {
  const back: { data: Buffer; binary: boolean }[] = []
  const all = new Promise<void>((resolve) => {
    ws.on('message', (data: Buffer, binary: boolean) => {
      back.push({ data, binary })
      if (back.length === COUNT) resolve()
    })
  })
  for (let i = 0; i < COUNT; i += 1) ws.send(message(i).data, { binary: message(i).binary })
  await within(`${COUNT} echoes`, all, 20_000).catch((e: unknown) => {
    throw new Error(`${String(e)} after ${back.length}`)
  })
  const closed = once(ws, 'close')
  ws.close(1000, 'done')
  const [code] = (await within('the close handshake', closed)) as [number]
  expect(code).toBe(1000)
  return back
}

function expectIntact(
  back: readonly { data: Buffer; binary: boolean }[],
  seen: readonly { data: Buffer; binary: boolean }[],
): void {
  expect(back.length).toBe(COUNT)
  expect(seen.length).toBe(COUNT)
  for (let i = 0; i < COUNT; i += 1) {
    const sent = message(i)
    // The origin got message i as sent, and the client got it back as sent.
    expect(seen[i]?.binary, `origin message ${i}`).toBe(sent.binary)
    expect(seen[i]?.data.equals(sent.data), `origin message ${i}`).toBe(true)
    expect(back[i]?.binary, `client message ${i}`).toBe(sent.binary)
    expect(back[i]?.data.equals(sent.data), `client message ${i}`).toBe(true)
  }
}

/**
 * The exchange every role's test makes once the WebSocket is open: COUNT
 * messages both ways, the origin sees the close, and every message arrived
 * intact and in order at both ends.
 */
async function exchangeIntact(
  ws: WebSocket,
  endpoint: ReturnType<typeof websocketEndpoint>,
): Promise<void> {
  const back = await exchange(ws)
  const session = await endpoint.nextSession(1000)
  if (isTimeout(session)) throw new Error('the origin never switched')
  await within(
    'the origin to see the close',
    session.until('close', () => session.closeFrame, 2000),
  )
  expectIntact(back, session.messages)
}

async function originWithWebSocket(): Promise<{
  origin: StartedOrigin
  endpoint: ReturnType<typeof websocketEndpoint>
}> {
  const origin = scope.use(await startOrigin())
  const endpoint = websocketEndpoint()
  origin.behave('t-abcabc-1', endpoint.behaviour)
  return { origin, endpoint }
}

describe('WebSocket through the reference proxy', () => {
  it(`reverse role: ${COUNT} messages both ways, intact and in order`, async () => {
    const { origin, endpoint } = await originWithWebSocket()
    const proxy = scope.use(
      await startReferenceProxy({
        mode: 'reverse',
        upstream: { host: origin.host, port: origin.port },
      }),
    )
    const ws = new WebSocket(`ws://${proxy.authority}/t-abcabc-1/ws`, ['chat'])
    scope.defer(() => ws.terminate())
    await within('the WebSocket to open through the proxy', once(ws, 'open'))
    expect(ws.protocol).toBe('chat')
    await exchangeIntact(ws, endpoint)
  }, 30_000)

  it(`forward role, over CONNECT: ${COUNT} messages both ways, intact and in order`, async () => {
    const { origin, endpoint } = await originWithWebSocket()
    const proxy = scope.use(
      await startReferenceProxy({ mode: 'forward', connectPorts: [origin.port] }),
    )
    const socket: Socket = connect({ host: proxy.host, port: proxy.port })
    scope.defer(() => {
      socket.destroy()
    })
    await within('the proxy connection', once(socket, 'connect'))
    socket.write(`CONNECT ${origin.authority} HTTP/1.1\r\nHost: ${origin.authority}\r\n\r\n`)
    const [reply] = (await within('the 200 to CONNECT', once(socket, 'data'))) as [Buffer]
    expect(reply.toString('latin1')).toMatch(/^HTTP\/1\.1 200 [^\r\n]*\r\n\r\n$/)
    const ws = new WebSocket(`ws://${origin.authority}/t-abcabc-1/ws`, {
      createConnection: () => socket,
    })
    scope.defer(() => ws.terminate())
    await within('the WebSocket to open through the tunnel', once(ws, 'open'))
    await exchangeIntact(ws, endpoint)
  }, 30_000)

  it(`tls-terminator role (wss): ${COUNT} messages both ways, intact and in order`, async () => {
    const { origin, endpoint } = await originWithWebSocket()
    const corpus = await getCertificateCorpus()
    const leaf = corpus.leaf('valid')
    const gateway = scope.use(
      await startTlsTerminator({
        upstream: { host: origin.host, port: origin.port },
        cert: leaf.cert,
        key: leaf.key,
      }),
    )
    // The 'valid' leaf covers localhost; verified against the run CA only.
    // tls.connect options, passed through by ws (its types omit servername).
    const tls = { ca: corpus.ca.cert, servername: 'localhost' }
    const ws = new WebSocket(`wss://${gateway.authority}/t-abcabc-1/ws`, tls)
    scope.defer(() => ws.terminate())
    await within('the WebSocket to open through the terminator', once(ws, 'open'))
    await exchangeIntact(ws, endpoint)
  }, 30_000)
})
