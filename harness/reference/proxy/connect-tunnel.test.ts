import { randomBytes } from 'node:crypto'
import { createServer, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { isTimeout } from '../../net/deadline.js'
import { listenLoopback } from '../../net/loopback.js'
import { Scope } from '../../net/started.js'
import { ChangeSignal } from '../../tcp/wait-until.js'
import { startReferenceProxy } from './proxy-server.js'
import { closedPort, connectPeer, must } from './test-kit.js'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

interface Target {
  readonly port: number
  readonly sockets: Socket[]
  received(): Buffer
  readonly ended: boolean
  readonly closed: boolean
  waitFor<T>(what: string, check: () => T | undefined): Promise<T>
}

/** A CONNECT target: echoes (unless told not to), records, and ends after the peer ended when `echo`. */
async function startTarget(echo: boolean): Promise<Target> {
  const sockets: Socket[] = []
  const changes = new ChangeSignal()
  let data = Buffer.alloc(0)
  let ended = false
  let closed = false
  const tracker = new ConnectionTracker()
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.push(socket)
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      if (echo) socket.write(chunk)
      changes.notify()
    })
    socket.on('end', () => {
      ended = true
      if (echo) socket.end()
      changes.notify()
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      closed = true
      changes.notify()
    })
    changes.notify()
  })
  tracker.watch(server)
  const address = await listenLoopback(server)
  scope.defer(() => closeServer(server, tracker))
  return {
    port: address.port,
    sockets,
    received: () => data,
    get ended() {
      return ended
    },
    get closed() {
      return closed
    },
    waitFor: async (what, check) => must(await changes.until(what, check, 3000)),
  }
}

async function setup(targetEcho = true) {
  const target = await startTarget(targetEcho)
  const proxy = scope.use(
    await startReferenceProxy({ mode: 'forward', connectPorts: [target.port] }),
  )
  const client = async () => {
    const peer = await connectPeer(proxy.port)
    scope.defer(() => {
      peer.socket.destroy()
    })
    return peer
  }
  return { target, proxy, client }
}

const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n'

describe('startReferenceProxy (CONNECT)', () => {
  it('answers exactly 200 Connection Established with no framing fields, then echoes 1 MiB unchanged', async () => {
    const { target, client } = await setup()
    const peer = await client()
    peer.socket.write(
      `CONNECT 127.0.0.1:${target.port} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\n\r\n`,
    )
    const head = must(await peer.waitForBytes(ESTABLISHED.length))
    expect(head.toString('latin1')).toBe(ESTABLISHED)
    const probe = randomBytes(1024 * 1024)
    peer.socket.write(probe)
    const all = must(await peer.waitForBytes(ESTABLISHED.length + probe.length, 5000))
    expect(all.subarray(ESTABLISHED.length).equals(probe)).toBe(true)
  })

  it('delivers bytes sent right after the CONNECT head first and in order, never parsing them as HTTP', async () => {
    const { target, client } = await setup()
    const peer = await client()
    const early = Buffer.from('GET /not-http HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001binary')
    peer.socket.write(
      Buffer.concat([
        Buffer.from(`CONNECT 127.0.0.1:${target.port} HTTP/1.1\r\nHost: x\r\n\r\n`),
        early,
      ]),
    )
    await target.waitFor('the early bytes', () =>
      target.received().length >= early.length ? true : undefined,
    )
    expect(target.received().equals(early)).toBe(true)
    const back = must(await peer.waitForBytes(ESTABLISHED.length + early.length))
    expect(back.subarray(ESTABLISHED.length).equals(early)).toBe(true)
  })

  it('refuses a port outside connectPorts with 403 and never connects to it', async () => {
    const other = await startTarget(true)
    const { client } = await setup()
    const peer = await client()
    peer.socket.write(
      `CONNECT 127.0.0.1:${other.port} HTTP/1.1\r\nHost: x\r\n\r\nGET http://127.0.0.1/ HTTP/1.1\r\n\r\n`,
    )
    must(await peer.waitForEnd())
    expect(peer.responses().map((m) => m.head.status)).toEqual([403])
    expect(other.sockets).toHaveLength(0)
  })

  it.each([
    'CONNECT 127.0.0.1 HTTP/1.1',
    'CONNECT 127.0.0.1: HTTP/1.1',
    'CONNECT 127.0.0.1:99999 HTTP/1.1',
    'CONNECT 127.0.0.1:ab HTTP/1.1',
    'CONNECT http://127.0.0.1:443/ HTTP/1.1',
  ])('answers 400 and closes for the bad target form "%s"', async (line) => {
    const { target, client } = await setup()
    const peer = await client()
    peer.socket.write(`${line}\r\nHost: 127.0.0.1:443\r\n\r\n`)
    must(await peer.waitForEnd())
    expect(peer.responses().map((m) => m.head.status)).toEqual([400])
    expect(target.sockets).toHaveLength(0)
  })

  it('answers 400 to a CONNECT with Content-Length, and 502 when the target refuses', async () => {
    const { target, client } = await setup()
    const framed = await client()
    framed.socket.write(
      `CONNECT 127.0.0.1:${target.port} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nHELLO`,
    )
    must(await framed.waitForEnd())
    expect(framed.responses().map((m) => m.head.status)).toEqual([400])
    const port = await closedPort()
    const proxy = scope.use(await startReferenceProxy({ mode: 'forward', connectPorts: [port] }))
    const refused = await connectPeer(proxy.port)
    scope.defer(() => {
      refused.socket.destroy()
    })
    refused.socket.write(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: x\r\n\r\n`)
    must(await refused.waitForEnd())
    expect(refused.responses(['CONNECT']).map((m) => m.head.status)).toEqual([502])
  })

  it('passes a client half-close on after the data, and the target close back to the client', async () => {
    const { target, client } = await setup()
    const peer = await client()
    peer.socket.write(`CONNECT 127.0.0.1:${target.port} HTTP/1.1\r\nHost: x\r\n\r\n`)
    must(await peer.waitForBytes(ESTABLISHED.length))
    const payload = randomBytes(256 * 1024)
    peer.socket.end(payload)
    await target.waitFor('the target to see FIN', () => (target.ended ? true : undefined))
    expect(target.received().equals(payload)).toBe(true)
    // The echo target ends after echoing: the client gets everything, then FIN, and both sides close.
    const all = must(await peer.waitForEnd(5000))
    expect(all.subarray(ESTABLISHED.length).equals(payload)).toBe(true)
    must(await peer.waitForClose())
    await target.waitFor('the target socket to close', () => (target.closed ? true : undefined))
  })

  it('passes a target half-close on while the client can still send', async () => {
    const { target, client } = await setup(false)
    const peer = await client()
    peer.socket.write(`CONNECT 127.0.0.1:${target.port} HTTP/1.1\r\nHost: x\r\n\r\n`)
    must(await peer.waitForBytes(ESTABLISHED.length))
    await target.waitFor('the tunnel to reach the target', () => target.sockets[0])
    target.sockets[0]!.end('bye')
    const all = must(await peer.waitForEnd())
    expect(all.subarray(ESTABLISHED.length).toString()).toBe('bye')
    peer.socket.write('still sending')
    await target.waitFor('bytes after the half-close', () =>
      target.received().length >= 13 ? true : undefined,
    )
    expect(target.received().toString()).toBe('still sending')
    peer.socket.end()
    await target.waitFor('the client FIN', () => (target.ended ? true : undefined))
    expect(isTimeout(await peer.waitForClose())).toBe(false)
  })

  it('destroys the client side when the target resets', async () => {
    const { target, client } = await setup(false)
    const peer = await client()
    peer.socket.write(`CONNECT 127.0.0.1:${target.port} HTTP/1.1\r\nHost: x\r\n\r\n`)
    must(await peer.waitForBytes(ESTABLISHED.length))
    const socket = await target.waitFor('the tunnel to reach the target', () => target.sockets[0])
    socket.resetAndDestroy()
    must(await peer.waitForClose())
    expect(peer.error).toBe('ECONNRESET')
  })
})
