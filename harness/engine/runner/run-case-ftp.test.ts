// An ftp-gateway case's FTP side (its origin and X, ctx.ftp.thirdParty) is
// started for the case and gone when runCase returns, whatever the case left
// open and however it ended.
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inSuite, type CaseDefinition } from '../model/case.js'
import { conforms } from '../model/outcome.js'
import type { ThirdParty } from '../../ftp/index.js'
import { Scope } from '../../net/started.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { X_IP } from '../environment/ftp.js'
import { startRunEnvironment } from '../environment/start-environment.js'
import { runCase } from './run-case.js'

/** Whether something accepts a TCP connection at host:port. */
function listens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    let connected = false
    socket.once('connect', () => {
      connected = true
      socket.destroy()
    })
    socket.once('error', () => socket.destroy())
    socket.once('close', () => resolve(connected))
  })
}

/** Listening servers and sockets Node holds open (a closed handle leaves the table one turn later). */
async function handles(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve))
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length
}

const scope = new Scope()
let env: RunEnvironment
// Never connected to: the cases below talk to their own FTP side only.
const target: TargetEndpoint = { label: 'none', role: 'ftp-gateway', host: '127.0.0.1', port: 9 }

beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1, ftp: { mode: 'forward' } })
})
afterAll(() => scope.close())

const ftpCase = (run: CaseDefinition['run']) =>
  inSuite('demo', {
    id: 'x',
    title: 'x',
    requirements: ['FTP-04'],
    spec: [{ rfc: 2428, section: '3' }],
    requirement: 'r',
    level: 'MUST',
    roles: ['ftp-gateway'],
    run,
  })

describe('ctx.ftp.thirdParty (X)', () => {
  it('listens on {x_ip} while the case runs and outlives it in nothing', async () => {
    const before = await handles()
    let x: ThirdParty | undefined
    let origin: { host: string; port: number } | undefined
    const result = await runCase(
      ftpCase(async (ctx) => {
        x = ctx.ftp?.thirdParty
        origin = ctx.ftp?.origin
        if (x === undefined) throw new Error('no ctx.ftp.thirdParty')
        // Left open on purpose: a connection to X, and one X opened out to the origin.
        const socket = connect({ host: x.host, port: x.port })
        await new Promise((resolve) => socket.once('data', resolve))
        await x.waitForConnection({ timeoutMs: ctx.remainingMs() })
        if (origin !== undefined) await x.connectTo(origin.port, { timeoutMs: ctx.remainingMs() })
        return conforms()
      }),
      target,
      env,
    )
    expect(result.verdict.status).toBe('pass')
    if (x === undefined || origin === undefined) throw new Error('the case did not run')
    expect(x.host).toBe(X_IP)
    expect(x.connections.map((c) => c.direction)).toEqual(['in', 'out'])
    expect(await listens(x.host, x.port)).toBe(false)
    expect(await listens(origin.host, origin.port)).toBe(false)
    expect(await handles()).toBe(before)
  })

  it('each case has an X of its own', async () => {
    const ports: number[] = []
    for (let i = 0; i < 2; i += 1)
      await runCase(
        ftpCase((ctx) => {
          ports.push(ctx.ftp?.thirdParty.port ?? 0)
          return Promise.resolve(conforms())
        }),
        target,
        env,
      )
    expect(ports[0]).not.toBe(ports[1])
    expect(ports.every((p) => p > 0)).toBe(true)
  })
})
