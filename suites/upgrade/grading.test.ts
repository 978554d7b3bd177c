// Pins the grading of the upgrade cases (issue 10, items 8 and 11): each case
// against a target that behaves as a real peer did, asserting the verdict.
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConformanceCase } from '../../harness/engine/model/case.js'
import type { CaseResult } from '../../harness/engine/model/run-result.js'
import { Scope } from '../../harness/net/started.js'
import type {
  RunEnvironment,
  TargetEndpoint,
} from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { startDefect } from '../../test-fixtures/defects/index.js'
import { upgradeSuite } from './suite.js'

const scope = new Scope()
let env: RunEnvironment
beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1 })
})
afterAll(() => scope.close())

function upgradeCase(id: string): ConformanceCase {
  const found = upgradeSuite.cases.find((c) => c.id === `upgrade/${id}`)
  if (found === undefined) throw new Error(`no case upgrade/${id}`)
  return found
}

async function againstDefect(id: string, defect: string): Promise<CaseResult> {
  const target = scope.use(await startDefect(defect, 'reverse', env))
  return runCase(upgradeCase(id), target.endpoint, env)
}

/**
 * A one-connection reverse "proxy" on a raw socket: the client's first head
 * goes through `rewrite` to the origin, then bytes pass both ways unchanged
 * (what nginx's WebSocket recipe does with an upgrade). `refuse` answers 400
 * and forwards nothing.
 */
async function rawReverse(
  behaviour: { readonly rewrite: (head: string) => string } | 'refuse',
): Promise<TargetEndpoint> {
  const server: Server = createServer((client: Socket) => {
    let buffered = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) return
      client.off('data', onData)
      if (behaviour === 'refuse') {
        client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
        return
      }
      const head = behaviour.rewrite(buffered.subarray(0, end + 4).toString('latin1'))
      const upstream = createConnection({ host: env.origin.host, port: env.origin.port })
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
      upstream.write(Buffer.concat([Buffer.from(head, 'latin1'), buffered.subarray(end + 4)]))
      client.pipe(upstream)
      upstream.pipe(client)
    }
    client.on('data', onData)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const sockets = new Set<Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  scope.defer(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  )
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { label: 'raw', role: 'reverse', host: '127.0.0.1', port: address.port }
}

describe('upgrade/version-refusal-relayed-intact (UPG-09, RFC 9110 §5.3)', () => {
  it('passes when the two Sec-WebSocket-Version lines arrive combined as one', async () => {
    // 'joins-set-cookie' combines every repeated response field into one comma-joined line.
    const result = await againstDefect('version-refusal-relayed-intact', 'joins-set-cookie')
    expect(result.verdict.status, result.verdict.message).toBe('pass')
  })

  it('fails when a version is lost', async () => {
    const result = await againstDefect(
      'version-refusal-relayed-intact',
      'keeps-first-duplicate-field',
    )
    expect(result.verdict.status).toBe('fail')
    expect(result.verdict.message).toContain('the target sent HTTP/1.1 426')
  })

  it('passes a target that refuses the version-25 handshake itself and forwards nothing', async () => {
    const result = await runCase(
      upgradeCase('version-refusal-relayed-intact'),
      await rawReverse('refuse'),
      env,
    )
    expect(result.verdict.status, result.verdict.message).toBe('pass')
    expect(result.verdict.message).toContain('itself; nothing reached the origin')
  })
})

describe('upgrade/upgrade-without-connection-option-ignored (UPG-03, RFC 9110 §7.6.1 SHOULD)', () => {
  it('warns, not fails, when Upgrade reaches the origin without the upgrade option', async () => {
    const result = await againstDefect(
      'upgrade-without-connection-option-ignored',
      'upgrades-without-connection-option',
    )
    expect(result.verdict.status).toBe('warn')
    expect(result.verdict.message).toContain('(Connection: none) reached the origin')
  })

  it('passes, with a note, a target that replaces Upgrade with its own and Connection: upgrade (nginx recipe)', async () => {
    const target = await rawReverse({
      rewrite: (head) =>
        head.replace(/\r\nConnection: keep-alive\r\n/i, '\r\nConnection: upgrade\r\n'),
    })
    const result = await runCase(
      upgradeCase('upgrade-without-connection-option-ignored'),
      target,
      env,
    )
    expect(result.verdict.status, result.verdict.message).toBe('pass')
    expect(result.evidence.notes.join(' ')).toContain('sent its own')
  })

  it('passes a target that refuses the request with nothing forwarded', async () => {
    const result = await runCase(
      upgradeCase('upgrade-without-connection-option-ignored'),
      await rawReverse('refuse'),
      env,
    )
    expect(result.verdict.status, result.verdict.message).toBe('pass')
  })
})

describe('upgrade/invalid-101-is-not-a-switch (UPG-05: no sentence binds the proxy)', () => {
  it('reports a relayed invalid 101 as INFO, every variant named', async () => {
    const result = await againstDefect('invalid-101-is-not-a-switch', 'accepts-any-101')
    expect(result.level).toBe('INFO')
    expect(result.verdict.status).toBe('info')
    expect(result.verdict.message).toContain('origin 101 without Upgrade')
    expect(result.verdict.message).toContain('origin 101 with Upgrade: h2c')
    expect(result.verdict.message).toContain('origin 101 with Upgrade: WebSocket: as expected')
  })
})

describe('upgrade/no-tunnel-without-101 (UPG-04)', () => {
  it('runs and reports all three refusals', async () => {
    const result = await againstDefect('no-tunnel-without-101', 'tunnels-on-any-status')
    expect(result.verdict.status).toBe('fail')
    for (const status of [426, 200, 403])
      expect(result.verdict.message).toContain(`origin ${status}:`)
  })
})
