import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Scope } from '../net/started.js'
import { connectPeer, must } from '../reference/proxy/test-kit.js'
import { startEchoServer, startSinkServer } from '../tcp/index.js'
import { startNextHop } from './next-hop-server.js'
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

async function peerOf(port: number) {
  const peer = await connectPeer(port)
  scope.defer(() => {
    peer.socket.destroy()
  })
  return peer
}

describe('startNextHop', () => {
  it('records the CONNECT and tunnels to a loopback target, early bytes first', async () => {
    const echo = scope.use(await startEchoServer())
    const hop = scope.use(await startNextHop())
    const peer = await peerOf(hop.port)
    peer.socket.write(`CONNECT ${echo.authority} HTTP/1.1\r\nHost: ${echo.authority}\r\n\r\nearly`)
    const head = 'HTTP/1.1 200 Connection Established\r\n\r\n'
    const back = must(await peer.waitForBytes(head.length + 5))
    expect(back.toString('latin1')).toBe(`${head}early`)
    expect(hop.requests.map((r) => r.head.target)).toEqual([echo.authority])
    expect(hop.requests[0]?.tunnelReceived.toString()).toBe('early')
  })

  it('answers a scripted CONNECT with exactly its bytes, then echoes', async () => {
    const hop = scope.use(await startNextHop())
    const undo = hop.answerFor(4443, {
      kind: 'scripted',
      response: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHELLO',
    })
    const peer = await peerOf(hop.port)
    const seen = hop.nextRequest(4443, 2000)
    peer.socket.write('CONNECT o.test:4443 HTTP/1.1\r\nHost: o.test:4443\r\n\r\nping')
    expect(must(await seen).head.method).toBe('CONNECT')
    const expected = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHELLOping'
    expect(must(await peer.waitForBytes(expected.length)).toString('latin1')).toBe(expected)
    undo()
  })

  it('refuses targets that are not loopback (403) and a refused port (502), framed', async () => {
    const hop = scope.use(await startNextHop())
    const outside = await peerOf(hop.port)
    outside.socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n')
    must(await outside.waitForEnd())
    expect(outside.responses(['CONNECT'])[0]?.head.status).toBe(403)
    const refused = await peerOf(hop.port)
    refused.socket.write('CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n')
    must(await refused.waitForEnd())
    expect(refused.responses(['CONNECT'])[0]?.head.status).toBe(502)
  })
})

describe('startNextHop closing a tunnel', () => {
  it('delivers everything a client sent before its FIN, though writing back to it then fails', async () => {
    // squid's way: the client's FIN closes both of squid's sides at once, while the target
    // still writes back. Every byte the client sent must still reach the target, then its FIN.
    const received: Buffer[] = []
    let target: Socket | undefined
    let targetServer: Server | undefined
    const accepted = new Promise<Socket>((resolve) => {
      const server = createServer({ allowHalfOpen: true }, (socket) => {
        target = socket
        // Not read yet: the next hop's writes toward it queue up in memory.
        socket.pause()
        socket.on('data', (data: Buffer) => received.push(data))
        resolve(socket)
      })
      server.listen(0, '127.0.0.1')
      scope.defer(
        () =>
          new Promise<void>((done) => {
            target?.destroy()
            server.close(() => done())
          }),
      )
      targetServer = server
    })
    await new Promise<void>((resolve) => targetServer?.once('listening', () => resolve()))
    const port = (targetServer?.address() as AddressInfo).port
    const hop = scope.use(await startNextHop())
    const peer = await peerOf(hop.port)
    peer.socket.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    const head = 'HTTP/1.1 200 Connection Established\r\n\r\n'
    must(await peer.waitForBytes(head.length))
    const socket = await accepted
    const payload = Buffer.alloc(8 * 1024 * 1024, 0x61)
    await new Promise<void>((resolve) => peer.socket.end(payload, () => resolve()))
    peer.socket.destroy()
    // The target answers into a tunnel whose client side is gone: the write toward it fails.
    const ended = new Promise<void>((resolve) => socket.once('end', () => resolve()))
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.write(Buffer.alloc(1024 * 1024, 0x62))
    socket.resume()
    await Promise.race([ended, closed])
    expect(Buffer.concat(received).length).toBe(payload.length)
  })
})

describe('startNextHop passing a reset on', () => {
  it("resets the target when the client's side breaks, and the client when the target's does", async () => {
    const sink = scope.use(await startSinkServer())
    const hop = scope.use(await startNextHop())
    const head = 'HTTP/1.1 200 Connection Established\r\n\r\n'
    for (const broken of ['client', 'target'] as const) {
      const peer = await peerOf(hop.port)
      peer.socket.on('error', () => undefined)
      peer.socket.write(`CONNECT ${sink.authority} HTTP/1.1\r\nHost: ${sink.authority}\r\n\r\nx`)
      must(await peer.waitForBytes(head.length))
      const id = broken === 'client' ? 's1' : 's2'
      must(await sink.waitForBytes(id, 1, 2000))
      if (broken === 'client') peer.socket.resetAndDestroy()
      else sink.drive(id)?.reset()
      if (broken === 'client') {
        const record = must(await sink.waitForPeerEnd(id, 2000))
        expect(record.error).toBe('ECONNRESET')
      } else {
        // close(hadError): true after ECONNRESET.
        const hadError = await new Promise<boolean>((resolve) => {
          peer.socket.once('close', resolve)
        })
        expect(hadError).toBe(true)
      }
    }
  })
})
