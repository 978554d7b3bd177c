// A target that goes down mid-run (issue 12): the run notices, grades the
// cases it took down `error` (never fail or warn), and stops with the reports
// it has, or restarts it and finds the case that crashes it alone.
import { createServer, type Server, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { RunResult, TargetCrash } from '../model/run-result.js'
import { listenLoopback } from '../../net/loopback.js'
import { parseTarget } from '../target/target-spec.js'
import { allCases } from '../../../suites/index.js'
import { executeRun } from './run.js'

const CRASHING = fileURLToPath(
  new URL('../../../test-fixtures/hostile/crashing-proxy.mjs', import.meta.url),
)
const SPAWN = `"${process.execPath}" "${CRASHING}" --port {port}`

// Sending bytes through a tunnel crashes it; the others do not.
const CRASHERS = [
  'connect/relays-tunnel-bytes-unchanged',
  'connect/2xx-has-no-framing-headers',
  'connect/tunnels-to-request-target-not-host',
]
const HARMLESS = ['connect/refuses-uri-form-target', 'connect/refuses-missing-or-invalid-port']

function crashRun(restartOnCrash: boolean, crashes: TargetCrash[]): Promise<RunResult> {
  return executeRun(
    {
      target: { kind: 'spawn', command: SPAWN, label: 'spawn: crashing-proxy' },
      roles: ['forward'],
      selection: { suites: [], cases: [...HARMLESS, ...CRASHERS] },
      concurrency: 4,
      restartOnCrash,
      onCrash: (crash) => crashes.push(crash),
    },
    allCases(),
  )
}

const status = (run: RunResult, id: string): string | undefined =>
  run.results.find((r) => r.id === id)?.verdict.status

describe('a spawned target that crashes on the first bytes after a CONNECT', () => {
  it('stops the run by default: one crash, its stack trace, the cases it took down and those not run are errors', async () => {
    const seen: TargetCrash[] = []
    const run = await crashRun(false, seen)
    // Never graded as the target's fail or warn: the crash is not a verdict on those cases.
    const statuses = new Set(run.results.map((r) => r.verdict.status))
    expect([...statuses].filter((s) => s !== 'pass' && s !== 'error')).toEqual([])
    expect(run.results).toHaveLength(HARMLESS.length + CRASHERS.length)
    const errors = run.results.filter((r) => r.verdict.status === 'error')
    expect(errors.length).toBeGreaterThan(0)
    for (const r of errors)
      expect(r.verdict.message).toMatch(
        /^not graded: the target exited with code 1 while this case ran|^not run: the run stopped when the target \(forward\) exited with code 1/,
      )
    expect(run.summary.exitCode).toBe(2)
    expect(seen).toHaveLength(1)
    expect(run.target.crashes).toEqual(seen)
    const [crash] = seen
    expect(crash).toMatchObject({ role: 'forward', how: 'exited with code 1', action: 'stopped' })
    expect(crash?.running.length).toBeGreaterThan(0)
    expect(crash?.stderrTail).toMatch(/^TypeError: Cannot read properties of undefined/)
    expect(run.target.stderr).toContain('crashing-proxy.mjs')
    expect(run.run.options.restartOnCrash).toBeUndefined()
  })

  it('with restartOnCrash: restarts it, and fails exactly the cases that crash it alone', async () => {
    const seen: TargetCrash[] = []
    const run = await crashRun(true, seen)
    for (const id of CRASHERS) {
      const result = run.results.find((r) => r.id === id)
      expect(result?.verdict).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(/^the target crashed on this request/) as unknown,
      })
      expect(result?.verdict.observed).toContain('TypeError')
    }
    // The harmless ones get their own verdicts, whether or not they ran beside a crash.
    expect(status(run, 'connect/refuses-uri-form-target')).toBe('pass')
    expect(status(run, 'connect/refuses-missing-or-invalid-port')).toBe('pass')
    expect(run.results.filter((r) => r.verdict.status === 'error')).toEqual([])
    expect(seen.every((c) => c.action === 'restarted')).toBe(true)
    const alone = seen.filter((c) => c.alone).map((c) => c.running[0] ?? '')
    expect(alone.sort()).toEqual(CRASHERS.map((id) => `${id} [forward]`).sort())
    expect(run.target.crashes).toEqual(seen)
    expect(run.run.options.restartOnCrash).toBe(true)
    expect(run.summary.exitCode).toBe(1)
  }, 30_000)
})

describe('no false alarm', () => {
  it('a live target that fails cases is never taken for a crashed one', async () => {
    const seen: TargetCrash[] = []
    const run = await executeRun(
      {
        target: parseTarget('builtin:blind-relay'),
        roles: ['forward'],
        selection: { suites: ['keep-alive'], cases: [] },
        restartOnCrash: true,
        onCrash: (crash) => seen.push(crash),
      },
      allCases(),
    )
    expect(run.results.some((r) => r.verdict.status === 'fail')).toBe(true)
    expect(seen).toEqual([])
    expect(run.target.crashes).toBeUndefined()
  }, 30_000)
})

// A target that is not a process of ours: it stops listening after the first
// tunnel bytes, as a crash looks from outside.
let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server?.listening === true) server.close(() => resolve())
    else resolve()
  })
  server = undefined
})

async function startQuitter(): Promise<number> {
  const sockets = new Set<Socket>()
  const quitter = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      if (head.includes('\r\n\r\n')) {
        // Bytes after the CONNECT head: down it goes.
        quitter.close()
        for (const s of sockets) s.destroy()
        return
      }
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      if (head.startsWith('CONNECT ')) {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        if (!head.endsWith('\r\n\r\n')) {
          quitter.close()
          for (const s of sockets) s.destroy()
        }
      } else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    })
  })
  server = quitter
  return (await listenLoopback(quitter)).port
}

describe('a URL target that stops accepting connections', () => {
  it('is noticed by the refused connection and stops the run; it is not ours to restart', async () => {
    const port = await startQuitter()
    const seen: TargetCrash[] = []
    const run = await executeRun(
      {
        target: parseTarget(`http://127.0.0.1:${port}`),
        roles: ['forward'],
        selection: { suites: [], cases: [...HARMLESS, ...CRASHERS] },
        concurrency: 1,
        restartOnCrash: true,
        onCrash: (crash) => seen.push(crash),
      },
      allCases(),
    )
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      how: 'stopped accepting connections (connection refused)',
      action: 'stopped',
      note: expect.stringMatching(/not started by proxyspec/) as unknown,
    })
    // Catalog order, one at a time: the first case to send tunnel bytes takes it down.
    expect(seen[0]?.running).toEqual(['connect/2xx-has-no-framing-headers [forward]'])
    const taken = run.results.find((r) => r.id === 'connect/2xx-has-no-framing-headers')
    expect(taken?.verdict.message).toMatch(/^not graded: the target stopped accepting connections/)
    const after = run.results.find((r) => r.id === 'connect/relays-tunnel-bytes-unchanged')
    expect(after?.verdict).toMatchObject({ status: 'error' })
    expect(after?.verdict.message).toMatch(/^not run: /)
    expect(run.summary.exitCode).toBe(2)
  })
})

describe('a spawned target that dies on the preflight request', () => {
  it('stops the run with one line that says it exited, with its last stderr line', async () => {
    const script = `require('net').createServer((s) => s.once('data', () => { throw new Error('boom on the first request') })).listen(+process.argv[1], '127.0.0.1')`
    const error = await executeRun(
      {
        target: {
          kind: 'spawn',
          command: `"${process.execPath}" -e "${script}" {port}`,
          label: 'spawn: dies',
        },
        roles: ['reverse'],
        selection: { suites: ['keep-alive'], cases: [] },
      },
      allCases(),
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error?.message).toMatch(
      /closed the connection without answering a request \(the spawned target exited with code 1: Error: boom on the first request\)$/,
    )
    expect(error?.message).not.toContain('\n')
  })
})
