// Pins the connect suite's grading against small raw targets that behave like
// the real peers did (issue 10): a silent refusal is one INFO (CONNECT-11), not
// three MUST failures; a 2xx with no tunnel FAILs; closing both sides of a
// tunnel after delivering everything conforms, and the half-close is INFO.
import { connect, createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Scope } from '../../harness/net/started.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { connectSuite } from './suite.js'

type Behaviour = (client: Socket, target: string, rest: Buffer) => void

/** A raw loopback "proxy" that reads one CONNECT head and then does what `behave` says. */
async function rawProxy(scope: Scope, behave: Behaviour): Promise<number> {
  const sockets = new Set<Socket>()
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    sockets.add(client)
    client.on('error', () => undefined)
    let buffered = Buffer.alloc(0)
    const onData = (data: Buffer): void => {
      buffered = Buffer.concat([buffered, data])
      const end = buffered.indexOf('\r\n\r\n')
      if (end === -1) return
      client.off('data', onData)
      const target = /^CONNECT (\S+) /.exec(buffered.toString('latin1'))?.[1] ?? ''
      behave(client, target, buffered.subarray(end + 4))
    }
    client.on('data', onData)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  scope.defer(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  )
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** tinyproxy's way: a tunnel that, on either side's FIN, flushes toward the other and closes both. */
const closeBothTunnel: Behaviour = (client, target, rest) => {
  const [host, port] = [
    target.slice(0, target.lastIndexOf(':')),
    target.slice(target.lastIndexOf(':') + 1),
  ]
  const upstream = connect({ host, port: Number(port), allowHalfOpen: true })
  upstream.on('error', () => client.destroy())
  upstream.once('connect', () => {
    client.write('HTTP/1.1 200 Connection established\r\n\r\n')
    if (rest.length > 0) upstream.write(rest)
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('end', () => client.end())
    upstream.on('end', () => upstream.end())
  })
}

describe('connect grading against raw targets', () => {
  const scope = new Scope()
  let env: RunEnvironment
  beforeAll(async () => {
    env = await startRunEnvironment(scope, { tcpPerKind: 1 })
  })
  afterAll(() => scope.close())

  const run = async (port: number, id: string) => {
    const c = connectSuite.cases.find((x) => x.id === id)
    if (c === undefined) throw new Error(`no case ${id}`)
    return runCase(c, { label: 'raw', role: 'forward', host: '127.0.0.1', port }, env)
  }

  it('a silent close for an unreachable target fails none of CONNECT-06, -07, -13; CONNECT-11 says INFO', async () => {
    const port = await rawProxy(scope, (client) => client.end())
    for (const id of [
      'connect/closes-after-refusing',
      'connect/never-parses-bytes-after-refused-connect',
      'connect/refuses-http10-connect-plainly',
    ]) {
      expect((await run(port, id)).verdict.status, id).toBe('pass')
    }
    const info = await run(port, 'connect/answers-unreachable-target-with-gateway-error')
    expect(info.verdict.status).toBe('info')
    expect(info.verdict.message).toMatch(/without any response/)
  })

  it('200 followed by a close for a refused destination FAILs CONNECT-11', async () => {
    const port = await rawProxy(scope, (client) =>
      client.end('HTTP/1.1 200 Connection established\r\n\r\n'),
    )
    const result = await run(port, 'connect/answers-unreachable-target-with-gateway-error')
    expect(result.verdict.status).toBe('fail')
    expect(result.verdict.message).toMatch(/no tunnel/)
  })

  it('another 5xx for a refused destination stays INFO', async () => {
    const port = await rawProxy(scope, (client) =>
      client.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n'),
    )
    const result = await run(port, 'connect/answers-unreachable-target-with-gateway-error')
    expect(result.verdict.status).toBe('info')
  })

  it('closing both sides after delivering everything conforms; the half-close is INFO', async () => {
    const port = await rawProxy(scope, closeBothTunnel)
    const delivered = await run(port, 'connect/delivers-client-data-before-closing')
    expect(delivered.verdict.status, delivered.verdict.message).toBe('pass')
    const half = await run(port, 'connect/passes-half-close-on')
    expect(half.verdict.status, half.verdict.message).toBe('info')
    expect(half.verdict.message).toMatch(/closes both sides/)
  })

  it('an HTTP/1.0 200 to CONNECT from a target that answers GET as HTTP/1.1 WARNs', async () => {
    const port = await rawProxy(scope, (client, target) => {
      if (target === '') {
        client.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }
      client.end('HTTP/1.0 200 Connection established\r\n\r\n')
    })
    const result = await run(port, 'connect/reply-carries-own-version')
    expect(result.verdict.status, result.verdict.message).toBe('warn')
  })
})
