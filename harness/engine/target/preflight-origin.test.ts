// The origin preflight (issue 12): a reverse target that answers 404 to
// everything "passed" 21 cases. Now a gateway-role target must carry one
// request to the harness origin before any case runs, or the run stops with
// one line saying what came back and where the origin is.
import { createServer, type Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { Role } from '../model/roles.js'
import { isHarnessError } from '../../net/errors.js'
import { listenLoopback } from '../../net/loopback.js'
import { Scope } from '../../net/started.js'
import { startReferenceProxy } from '../../reference/proxy/index.js'
import { executeRun } from '../runner/run.js'
import { startRunEnvironment } from '../environment/start-environment.js'
import { allCases } from '../../../suites/index.js'
import { startBuiltin } from './builtin.js'
import { assertReachesOrigin } from './preflight-origin.js'
import { parseTarget } from './target-spec.js'

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server?.listening === true) server.close(() => resolve())
    else resolve()
  })
  server = undefined
})

async function serve(status: number, body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' })
    res.end(body)
  })
  const { port } = await listenLoopback(server)
  return `http://127.0.0.1:${port}`
}

async function failure(run: Promise<unknown>): Promise<Error> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isHarnessError(error, 'HARNESS_TARGET_UNREACHABLE')).toBe(true)
  const message = (error as Error).message
  expect(message).not.toContain('\n')
  return error as Error
}

describe('a reverse target that never reaches the origin', () => {
  it('answering 404 to everything: the run stops at preflight with one line, before any case', async () => {
    const url = await serve(404, 'not found\n')
    let started = 0
    const error = await failure(
      executeRun(
        {
          target: parseTarget(url),
          roles: ['reverse'],
          selection: { suites: ['keep-alive'], cases: [] },
          onStart: () => (started += 1),
        },
        allCases(),
      ),
    )
    expect(started).toBe(0)
    expect(error.message).toMatch(
      /\(reverse\) does not pass requests on to the harness origin: it answered "HTTP\/1\.1 404 Not Found" to "GET \/t-[0-9a-f]{6}-\d+\/proxyspec-preflight" \(Host: 127\.0\.0\.1:\d+\) and nothing reached the harness origin at http:\/\/127\.0\.0\.1:\d+/,
    )
  })

  it('answering 200 itself: a success is no proof either', async () => {
    const url = await serve(200, 'hello\n')
    const error = await failure(
      executeRun(
        {
          target: parseTarget(url),
          roles: ['tls-originator'],
          selection: { suites: ['tls'], cases: [] },
        },
        allCases(),
      ),
    )
    expect(error.message).toMatch(/\(tls-originator\) .*it answered "HTTP\/1\.1 200 OK"/)
    // Where a tls-originator must go: the TLS origin, by its name.
    expect(error.message).toMatch(/reached as https:\/\/localhost:\d+ \(SNI localhost/)
  })
})

describe('targets that reach the origin pass', () => {
  it('the reference, in every role', async () => {
    const scope = new Scope()
    try {
      const env = await startRunEnvironment(scope)
      const roles: Role[] = ['forward', 'reverse', 'tls-terminator', 'tls-originator', 'tunnel']
      for (const role of roles) {
        const target = scope.use(await startBuiltin('reference', role, env))
        await assertReachesOrigin('builtin:reference', target.endpoint, env)
      }
    } finally {
      await scope.close()
    }
  })

  it('a reverse proxy pointed at another upstream does not', async () => {
    const scope = new Scope()
    try {
      const env = await startRunEnvironment(scope)
      const elsewhere = await serve(200, 'another site\n')
      const proxy = scope.use(
        await startReferenceProxy({
          mode: 'reverse',
          upstream: { host: '127.0.0.1', port: Number(new URL(elsewhere).port) },
        }),
      )
      const endpoint = { label: 'x', role: 'reverse' as const, host: proxy.host, port: proxy.port }
      const error = await failure(assertReachesOrigin('x', endpoint, env))
      expect(error.message).toContain(`nothing reached the harness origin at ${env.origin.url}`)
    } finally {
      await scope.close()
    }
  })
})
