// Pins the grading of issue 10's hop-by-hop fixes: a front in front of the
// reference proxy behaves as a real peer did (refuses with 400 and closes,
// forwards and then goes quiet, rebuilds Host, drops a field), and the case
// verdict must be the one the binding sentence gives.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../harness/engine/model/roles.js'
import type { CaseResult } from '../../harness/engine/model/run-result.js'
import { Scope } from '../../harness/net/started.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { startBuiltin } from '../../harness/engine/target/builtin.js'
import { hopByHopSuite } from './suite.js'

/** What the front does with one request head (latin1 text through the empty line). */
type Front =
  | { readonly kind: 'refuse'; readonly status?: number }
  | { readonly kind: 'rewrite'; readonly head: string }
  | { readonly kind: 'forward-then-hang' }
  | { readonly kind: 'pass' }

const REFUSAL = (status: number): string =>
  `HTTP/1.1 ${status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`

/** A TCP front on 127.0.0.1:0 that reads one request head and does what `decide` says with it. */
async function startFront(
  upstreamPort: number,
  decide: (head: string) => Front,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    sockets.add(client)
    let buffered = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk])
      const end = buffered.indexOf('\r\n\r\n')
      if (end === -1) return
      client.off('data', onData)
      const head = buffered.subarray(0, end + 4).toString('latin1')
      const rest = buffered.subarray(end + 4)
      const what = decide(head)
      if (what.kind === 'refuse') {
        client.end(REFUSAL(what.status ?? 400))
        return
      }
      const upstream = net.connect(upstreamPort, '127.0.0.1')
      sockets.add(upstream)
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
      client.on('close', () => upstream.destroy())
      upstream.write(what.kind === 'rewrite' ? Buffer.from(what.head, 'latin1') : head)
      upstream.write(rest)
      client.pipe(upstream)
      if (what.kind !== 'forward-then-hang') upstream.pipe(client)
      else upstream.resume()
    }
    client.on('data', onData)
    client.on('error', () => undefined)
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

/** Runs one hop-by-hop case against the reference in `role` behind a front deciding by `decide`. */
async function verdictOf(
  slug: string,
  role: Role,
  decide: (head: string) => Front,
): Promise<CaseResult> {
  const c = hopByHopSuite.cases.find((x) => x.id === `hop-by-hop/${slug}`)
  if (c === undefined) throw new Error(`no case ${slug}`)
  const reference = await startBuiltin('reference', role, env)
  const front = await startFront(reference.endpoint.port, decide)
  try {
    return await runCase(c, { ...reference.endpoint, port: front.port }, env)
  } finally {
    await front.close()
    await reference.close()
  }
}

describe('hop-by-hop grading (issue 10)', () => {
  for (const role of ['forward', 'reverse'] as const) {
    it(`decrements-max-forwards [${role}]: a 400 to a 20-digit value with nothing forwarded passes (Apache)`, async () => {
      const result = await verdictOf('decrements-max-forwards', role, (head) =>
        head.includes('Max-Forwards: 100000000000000000000')
          ? { kind: 'refuse' }
          : { kind: 'pass' },
      )
      expect(result.verdict.status).toBe('pass')
      expect(result.verdict.message).toMatch(/answered HTTP\/1.1 400 Refused itself/)
    })
  }

  it('connection-cannot-strip-via: a 400 and a close is INFO with who answered, never a timeout', async () => {
    const result = await verdictOf('connection-cannot-strip-via', 'forward', (head) =>
      head.includes('Connection: close, Via') ? { kind: 'refuse' } : { kind: 'pass' },
    )
    expect(result.verdict.status).toBe('info')
    expect(result.verdict.message).toMatch(
      /the proxy answered HTTP\/1.1 400 Refused itself and forwarded nothing/,
    )
  })

  it('appends-via-to-requests: a target that forwards and then goes quiet is graded on what it forwarded', async () => {
    const result = await verdictOf('appends-via-to-requests', 'forward', () => ({
      kind: 'forward-then-hang',
    }))
    expect(result.verdict.status).toBe('pass')
  })

  it('absolute-form-ignores-received-host: forwarding with Host rebuilt from the target passes (Squid)', async () => {
    const result = await verdictOf('absolute-form-ignores-received-host', 'forward', (head) => {
      const authority = /^GET http:\/\/([^/]+)\//.exec(head)?.[1]
      if (authority === undefined) return { kind: 'pass' }
      const lines = head.split('\r\n').filter((line) => !/^host:/i.test(line))
      lines.splice(1, 0, `Host: ${authority}`)
      return { kind: 'rewrite', head: lines.join('\r\n') }
    })
    expect(result.verdict.status).toBe('pass')
    expect(result.verdict.message).toMatch(/forwarded with Host rebuilt: no Host, Host twice/)
  })

  it('rejects-missing-repeated-or-invalid-host [reverse]: any refusal with nothing forwarded passes, noted', async () => {
    const result = await verdictOf('rejects-missing-repeated-or-invalid-host', 'reverse', (head) =>
      /\/h[0-4] /.test(head) ? { kind: 'refuse', status: 421 } : { kind: 'pass' },
    )
    expect(result.verdict.status).toBe('pass')
    expect(result.verdict.message).toMatch(/not with 400/)
  })

  it('never-merges-trailers-into-headers: the proxy refusing the invalid trailers with a 502 passes', async () => {
    const result = await verdictOf('never-merges-trailers-into-headers', 'forward', () => ({
      kind: 'refuse',
      status: 502,
    }))
    expect(result.verdict.status).toBe('pass')
  })

  for (const [role, status] of [
    ['forward', 'fail'],
    ['reverse', 'info'],
  ] as const) {
    it(`forwards-authorization-unchanged [${role}]: dropping Authorization is ${status} (a proxy-only MUST)`, async () => {
      const result = await verdictOf('forwards-authorization-unchanged', role, (head) => ({
        kind: 'rewrite',
        head: head.replace(/^Authorization:[^\r]*\r\n/im, ''),
      }))
      expect(result.verdict.status).toBe(status)
    })
  }
})
