/**
 * CONNECT tunnel throughput of the reference against a raw Node socket pipe
 * (a net server that pipes each connection to the sink), the same bytes to
 * the same sink in the same run, so the ratio is what matters.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { startReferenceProxy } from '../../harness/reference/proxy/proxy-server.js'

const TOTAL = 64 * 1024 * 1024
const CHUNK = Buffer.alloc(256 * 1024, 0x61)

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return address.port
}

/** A sink that resolves `done` when it has read `TOTAL` bytes on one connection. */
function sink(): { server: Server; done: Promise<void> } {
  let resolve: () => void = () => undefined
  const done = new Promise<void>((r) => (resolve = r))
  const server = createServer((socket) => {
    let n = 0
    socket.on('data', (d: Buffer) => {
      n += d.length
      if (n >= TOTAL) resolve()
    })
    socket.on('error', () => undefined)
  })
  return { server, done }
}

async function pump(socket: Socket, done: Promise<void>): Promise<number> {
  const started = performance.now()
  let sent = 0
  while (sent < TOTAL) {
    sent += CHUNK.length
    if (!socket.write(CHUNK)) await once(socket, 'drain')
  }
  await done
  return TOTAL / 1024 / 1024 / ((performance.now() - started) / 1000)
}

async function viaRawPipe(): Promise<number> {
  const target = sink()
  const sinkPort = await listen(target.server)
  const pipe = createServer((client) => {
    const upstream = connect(sinkPort, '127.0.0.1')
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    client.on('error', () => undefined)
    upstream.on('error', () => undefined)
  })
  const pipePort = await listen(pipe)
  const socket = connect(pipePort, '127.0.0.1')
  await once(socket, 'connect')
  try {
    return await pump(socket, target.done)
  } finally {
    socket.destroy()
    pipe.close()
    target.server.close()
  }
}

async function viaReference(): Promise<number> {
  const target = sink()
  const sinkPort = await listen(target.server)
  await using proxy = await startReferenceProxy({ mode: 'forward', connectPorts: [sinkPort] })
  const socket = connect(proxy.port, '127.0.0.1')
  await once(socket, 'connect')
  try {
    socket.write(`CONNECT 127.0.0.1:${sinkPort} HTTP/1.1\r\nHost: 127.0.0.1:${sinkPort}\r\n\r\n`)
    const [head] = (await once(socket, 'data')) as [Buffer]
    if (!head.toString('latin1').startsWith('HTTP/1.1 200')) throw new Error('CONNECT refused')
    return await pump(socket, target.done)
  } finally {
    socket.destroy()
    target.server.close()
  }
}

export async function measureTunnel(): Promise<{ rawMBps: number; tunnelMBps: number }> {
  // Alternate and keep the best of two each: the machine is shared and noisy.
  const raw = [await viaRawPipe(), await viaRawPipe()]
  const tunnel = [await viaReference(), await viaReference()]
  return { rawMBps: Math.max(...raw), tunnelMBps: Math.max(...tunnel) }
}
