// End to end: the verdict message says who produced the answer the client
// got (issue 12, item 6). The same case (KA-12, an early answer to a POST
// whose body is a request) against the reference, which relays the origin's
// early 403, and against a target that answers 502 itself and never connects
// upstream: "relayed the origin's" for the first, "itself" for the second,
// decided from what the origin sent, not from the status.
import { createServer, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConformanceCase } from '../../harness/engine/model/case.js'
import { Scope } from '../../harness/net/started.js'
import type {
  RunEnvironment,
  TargetEndpoint,
} from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { startBuiltin } from '../../harness/engine/target/builtin.js'
import { keepAliveSuite } from './suite.js'

const scope = new Scope()
let env: RunEnvironment
beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1, timeoutMs: 3000, quietMs: 300 })
})
afterAll(() => scope.close())

const CASE_ID = 'keep-alive/early-response-body-not-parsed-as-request'

function theCase(): ConformanceCase {
  const found = keepAliveSuite.cases.find((c) => c.id === CASE_ID)
  if (found === undefined) throw new Error(`no case ${CASE_ID}`)
  return found
}

/** A reverse "proxy" that answers every request head with its own 502 and closes; it never connects upstream. */
async function ownBadGateway(): Promise<TargetEndpoint> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => undefined)
    let head = ''
    client.on('data', (chunk: Buffer) => {
      if (head.includes('\r\n\r\n')) return
      head += chunk.toString('latin1')
      if (head.includes('\r\n\r\n'))
        client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  scope.defer(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  )
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { label: 'own-502', role: 'reverse', host: '127.0.0.1', port: address.port }
}

describe('who produced the client’s answer, end to end', () => {
  it('a 502 the target made itself, with nothing at the origin, is "itself", never "relayed"', async () => {
    const result = await runCase(theCase(), await ownBadGateway(), env)
    const message = result.verdict.message
    expect(result.verdict.status, message).toBe('pass')
    expect(message).toContain('the target answered 502 Bad Gateway itself')
    expect(message).toContain('nothing reached the origin')
    expect(message).not.toMatch(/relayed|not forwarded/)
  })

  it('the origin’s early 403 back at the client is "relayed the origin\'s"', async () => {
    const reference = scope.use(await startBuiltin('reference', 'reverse', env))
    const result = await runCase(theCase(), reference.endpoint, env)
    const message = result.verdict.message
    expect(result.verdict.status, message).toBe('pass')
    expect(message).toContain("the target relayed the origin's 403 Forbidden")
    expect(message).not.toContain('itself')
  })
})
