// A case whose connection attempt outlives what is left of its deadline ran
// out of time against a slow target: a timeout, not a harness `error`.
import { createServer, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inSuite } from '../model/case.js'
import { conforms } from '../model/outcome.js'
import { listenLoopback } from '../../net/loopback.js'
import { Scope } from '../../net/started.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { runCase } from './run-case.js'
import { startRunEnvironment } from '../environment/start-environment.js'

describe('a connection that the deadline cuts short', () => {
  const scope = new Scope()
  const sockets = new Set<Socket>()
  // Accepts TCP and never answers the TLS handshake: the connection is never ready.
  const silent = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  let env: RunEnvironment
  let target: TargetEndpoint
  beforeAll(async () => {
    env = await startRunEnvironment(scope, { tcpPerKind: 1 })
    const { port } = await listenLoopback(silent)
    target = { label: 'silent', role: 'tls-terminator', host: '127.0.0.1', port }
  })
  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => silent.close(() => resolve()))
    await scope.close()
  })

  it('is graded timeout, not error', async () => {
    const c = inSuite('demo', {
      id: 'connects-late',
      title: 'connects to a target that never completes the handshake',
      requirements: ['TLS-18'],
      spec: [{ rfc: 9110, section: '3.7' }],
      requirement: 'a terminator completes the handshake',
      level: 'MUST',
      roles: ['reverse'],
      timeoutMs: 300,
      async run(ctx) {
        await ctx.connect()
        return conforms()
      },
    })
    const result = await runCase(c, target, env)
    expect(result.verdict.status, result.verdict.message).toBe('timeout')
  })
})
