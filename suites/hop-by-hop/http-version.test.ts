// Pins the grading of hop-by-hop/answers-http10-client-with-own-version (RFC
// 9110 §6.2, SHOULD) against raw targets: one that echoes the client's version
// (an HTTP/1.1 intermediary answering HTTP/1.0 to an HTTP/1.0 client) warns;
// one that speaks HTTP/1.0 to everyone conforms (HTTP/1.0 is its highest
// version); the reference (HTTP/1.1 to both) passes in the kill matrix.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../harness/engine/model/roles.js'
import type { CaseResult } from '../../harness/engine/model/run-result.js'
import { Scope } from '../../harness/net/started.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { hopByHopSuite } from './suite.js'

/** A raw target answering each request head itself with `version(requestVersion)` and closing. */
async function startAnswering(
  version: (requestVersion: string) => string,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      const asked = / (HTTP\/\d\.\d)\r\n/.exec(head)?.[1] ?? 'HTTP/1.1'
      socket.end(`${version(asked)} 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`)
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const scope = new Scope()
let env: RunEnvironment

beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1, timeoutMs: 3000, quietMs: 300 })
})
afterAll(async () => {
  await scope.close()
})

async function verdictOf(role: Role, version: (asked: string) => string): Promise<CaseResult> {
  const c = hopByHopSuite.cases.find(
    (x) => x.id === 'hop-by-hop/answers-http10-client-with-own-version',
  )
  if (c === undefined) throw new Error('no case')
  const target = await startAnswering(version)
  try {
    return await runCase(c, { label: 'raw', role, host: '127.0.0.1', port: target.port }, env)
  } finally {
    await target.close()
  }
}

describe('answers-http10-client-with-own-version', () => {
  for (const role of ['forward', 'reverse'] as const) {
    it(`[${role}] echoing HTTP/1.0 to an HTTP/1.0 client while speaking HTTP/1.1 is a SHOULD violation (warn)`, async () => {
      const result = await verdictOf(role, (asked) => asked)
      expect(result.verdict.status).toBe('warn')
      expect(result.verdict.message).toMatch(/own version \(HTTP\/1\.1.*observed HTTP\/1\.0 200 OK/)
    })

    it(`[${role}] an HTTP/1.0-only target answering HTTP/1.0 to everyone conforms`, async () => {
      const result = await verdictOf(role, () => 'HTTP/1.0')
      expect(result.verdict.status).toBe('pass')
    })
  }
})
