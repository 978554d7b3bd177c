// CONNECT (RFC 9113 §8.5) and extended CONNECT (RFC 8441) through the reference h2 front.
import { createHash } from 'node:crypto'
import { createServer, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { ERROR_CODE } from '../../h2/constants.js'
import { openH2RawClient } from '../../h2/raw-client.js'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { listenLoopback } from '../../net/loopback.js'
import { startEchoServer } from '../../tcp/echo-server.js'
import { startReferenceProxy } from '../proxy/proxy-server.js'
import { must } from '../proxy/test-kit.js'
import { scopePerTest } from './test-kit.js'

const scope = scopePerTest()

const connectPseudo = (authority: string) => [
  { name: ':method', value: 'CONNECT' },
  { name: ':authority', value: authority },
]

/** An RFC 6455 origin: answers each handshake (right or wrong Accept), then echoes; records the keys. */
async function startWebSocketOrigin(wrongAccept = false) {
  const keys: string[] = []
  const tracker = new ConnectionTracker()
  const server = createServer((socket: Socket) => {
    let head = ''
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1')
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? ''
      keys.push(key)
      const accept = createHash('sha1')
        .update(`${wrongAccept ? 'x' : ''}${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest('base64')
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      )
      const rest = Buffer.from(head.slice(end + 4), 'latin1')
      if (rest.length > 0) socket.write(rest)
      socket.on('data', (data: Buffer) => socket.write(data))
    }
    socket.on('data', onData)
    socket.on('error', () => undefined)
  })
  tracker.watch(server)
  const address = await listenLoopback(server)
  return { port: address.port, keys, close: () => closeServer(server, tracker) }
}

describe('h2 front: CONNECT', () => {
  it('tunnels DATA to the target and back; END_STREAM and FIN cross over', async () => {
    const echo = scope().use(await startEchoServer())
    const proxy = scope().use(
      await startReferenceProxy({ mode: 'forward', connectPorts: [echo.port] }),
    )
    const c = scope().use(await openH2RawClient({ host: proxy.host, port: proxy.port, id: 'c1' }))
    const id = await c.request({ pseudo: connectPseudo(echo.authority), endStream: false })
    const head = must(await c.waitForFrame((r) => r.block?.streamId === id))
    expect('frame' in head && head.block?.fields.find((f) => f.name === ':status')?.value).toBe(
      '200',
    )
    await c.connection.sendData(id, 'hello tunnel')
    await c.connection.sendData(id, '', { endStream: true })
    const result = must(await c.waitForStreamEnd(id))
    expect(result.end).toBe('end-stream')
    expect(result.data.toString()).toBe('hello tunnel')
  })

  it('refuses a CONNECT with :path, without opening a connection', async () => {
    const echo = scope().use(await startEchoServer())
    const proxy = scope().use(
      await startReferenceProxy({ mode: 'forward', connectPorts: [echo.port] }),
    )
    const c = scope().use(await openH2RawClient({ host: proxy.host, port: proxy.port, id: 'c1' }))
    const id = await c.request({
      pseudo: [...connectPseudo(echo.authority), { name: ':path', value: '/' }],
      endStream: false,
    })
    const result = must(await c.waitForStreamEnd(id))
    expect(result.rstCode).toBe(ERROR_CODE.PROTOCOL_ERROR)
    expect(echo.connections).toHaveLength(0)
  })
})

describe('h2 front: extended CONNECT (RFC 8441)', () => {
  const wsPseudo = (authority: string) => [
    { name: ':method', value: 'CONNECT' },
    { name: ':protocol', value: 'websocket' },
    { name: ':scheme', value: 'http' },
    { name: ':path', value: '/ws' },
    { name: ':authority', value: authority },
  ]

  it('answers 200 without accept/upgrade/connection after a valid 101, then relays frames', async () => {
    const ws = scope().use(await startWebSocketOrigin())
    const proxy = scope().use(
      await startReferenceProxy({
        mode: 'reverse',
        upstream: { host: '127.0.0.1', port: ws.port },
      }),
    )
    for (let i = 0; i < 2; i++) {
      const c = scope().use(
        await openH2RawClient({ host: proxy.host, port: proxy.port, id: `c${i}` }),
      )
      const id = await c.request({
        pseudo: wsPseudo('site.test'),
        fields: [{ name: 'sec-websocket-version', value: '13' }],
        endStream: false,
      })
      const head = must(await c.waitForFrame((r) => r.block?.streamId === id))
      const fields = 'frame' in head ? (head.block?.fields ?? []) : []
      expect(fields.find((f) => f.name === ':status')?.value).toBe('200')
      expect(fields.map((f) => f.name)).not.toContain('sec-websocket-accept')
      await c.connection.sendData(id, '\x81\x85abcd\x29\x07\x0f\x08\x0e')
      must(
        await c.waitForFrame(() =>
          c.records.some(
            (r) =>
              r.dir === 'received' && r.frame.kind === 'DATA' && r.frame.header.streamId === id,
          ),
        ),
      )
    }
    expect(ws.keys).toHaveLength(2)
    expect(ws.keys[0]).not.toBe(ws.keys[1])
    expect(Buffer.from(ws.keys[0]!, 'base64')).toHaveLength(16)
  })

  it('a 101 with the wrong Accept gives 502 and no tunnel', async () => {
    const ws = scope().use(await startWebSocketOrigin(true))
    const proxy = scope().use(
      await startReferenceProxy({
        mode: 'reverse',
        upstream: { host: '127.0.0.1', port: ws.port },
      }),
    )
    const c = scope().use(await openH2RawClient({ host: proxy.host, port: proxy.port, id: 'c1' }))
    const id = await c.request({ pseudo: wsPseudo('site.test'), endStream: false })
    const result = must(await c.waitForStreamEnd(id))
    expect(result.status).toBe('502')
  })
})
