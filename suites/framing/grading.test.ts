// Pins how the framing cases grade behaviours real peers show: a small front
// server (a raw socket in front of the reference proxy) plays the peer for the
// requests it intercepts and pipes everything else to the reference.
import { createServer, connect, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
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
import { framingSuite } from './suite.js'

/** What the front does with a connection, decided on its first bytes. */
type Play =
  | {
      readonly kind: 'pipe'
      readonly rewrite?: (first: Buffer) => Buffer
      /** Rewrites what the reference answers (each chunk). */
      readonly reply?: (chunk: Buffer) => Buffer
    }
  | { readonly kind: 'reset' }
  | { readonly kind: 'answer'; readonly bytes: string }

interface Front {
  readonly endpoint: TargetEndpoint
  close(): Promise<void>
}

async function startFront(behind: TargetEndpoint, play: (first: Buffer) => Play): Promise<Front> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    client.once('data', (first: Buffer) => {
      const decided = play(first)
      if (decided.kind === 'reset') {
        client.resetAndDestroy()
        return
      }
      if (decided.kind === 'answer') {
        client.end(decided.bytes)
        return
      }
      const upstream = connect(behind.port, behind.host)
      sockets.add(upstream)
      upstream.on('close', () => sockets.delete(upstream))
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
      upstream.write(decided.rewrite === undefined ? first : decided.rewrite(first))
      client.pipe(upstream)
      const reply = decided.reply
      if (reply === undefined) upstream.pipe(client)
      else upstream.on('data', (chunk: Buffer) => client.write(reply(chunk)))
      upstream.on('end', () => client.end())
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return {
    endpoint: { ...behind, label: 'front', host: '127.0.0.1', port: address.port },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const caseById = (id: string): ConformanceCase => {
  const found = framingSuite.cases.find((c) => c.id === id)
  if (found === undefined) throw new Error(`no case ${id}`)
  return found
}

describe('framing grading of behaviours real peers show', () => {
  const scope = new Scope()
  let env: RunEnvironment
  let reference: TargetEndpoint
  beforeAll(async () => {
    env = await startRunEnvironment(scope, { tcpPerKind: 1 })
    reference = scope.use(await startBuiltin('reference', 'reverse', env)).endpoint
  })
  afterAll(() => scope.close())

  async function verdictWith(id: string, play: (first: Buffer) => Play) {
    const front = await startFront(reference, play)
    try {
      return await runCase(caseById(id), front.endpoint, env)
    } finally {
      await front.close()
    }
  }
  const text = (b: Buffer): string => b.toString('latin1')

  it('passes "GET  /a" read on word boundaries and forwarded as one well-formed request (RFC 9112 §3 MAY)', async () => {
    const result = await verdictWith('framing/invalid-request-line-rejected', () => ({
      kind: 'pipe',
      rewrite: (b) =>
        Buffer.from(
          text(b)
            .replace(/^GET {2}/, 'GET ')
            .replace(/^(GET \S+)\t/, '$1 '),
          'latin1',
        ),
    }))
    expect(result.verdict.status, result.verdict.message).toBe('pass')
    expect(result.verdict.message).toContain('[5]')
  })

  it('still warns when a request line with a space in the target is fixed up and forwarded, and reports every variant', async () => {
    const result = await verdictWith('framing/invalid-request-line-rejected', () => ({
      kind: 'pipe',
      rewrite: (b) =>
        Buffer.from(text(b).replace(/^GET (\S+) b HTTP/, 'GET $1%20b HTTP'), 'latin1'),
    }))
    expect(result.verdict.status).toBe('warn')
    expect(result.verdict.observed).toContain('1 of 5 variants deviate')
    expect(result.verdict.observed).toContain('[5]')
  })

  it('passes a reset with nothing forwarded for an overflowing chunk size (no sentence names the 400)', async () => {
    const result = await verdictWith('framing/invalid-request-chunks-rejected', (first) =>
      text(first).includes('FFFFFFFFFFFFFFFF1') ? { kind: 'reset' } : { kind: 'pipe' },
    )
    expect(result.verdict.status, result.verdict.message).toBe('pass')
    expect(result.verdict.message).toContain(
      'closed the connection (reset) without a response; nothing reached the origin',
    )
  })

  it('fails a chunked request with an overflowing size forwarded complete', async () => {
    const result = await verdictWith('framing/invalid-request-chunks-rejected', () => ({
      kind: 'pipe',
      rewrite: (b) => Buffer.from(text(b).replace('FFFFFFFFFFFFFFFF1\r\n', '5\r\n'), 'latin1'),
    }))
    expect(result.verdict.status).toBe('fail')
    expect(result.verdict.observed).toContain('it was forwarded')
  })

  // The harness sent the invalid message, so any refusal with nothing forwarded
  // is a correct answer: a status other than the one the sentence names is INFO.
  it('reports a reset instead of the 400 the request line sentence names as INFO', async () => {
    const result = await verdictWith('framing/invalid-request-line-rejected', (first) =>
      text(first).includes('http/1.1') ? { kind: 'reset' } : { kind: 'pipe' },
    )
    expect(result.verdict.status).toBe('info')
  })

  it('reports a reset instead of the 400 RFC 9112 §6.3 names for an invalid Content-Length as INFO, never a failure', async () => {
    const result = await verdictWith('framing/invalid-content-length-rejected', (first) =>
      text(first).includes('Content-Length: +5') ? { kind: 'reset' } : { kind: 'pipe' },
    )
    expect(result.verdict.status).toBe('info')
    expect(result.verdict.expected).toContain('any refusal is correct')
  })

  it('passes a 502 the target wrote itself for the 204 with Content-Length (a message no server may send)', async () => {
    const result = await verdictWith('framing/204-and-304-end-at-headers', (first) =>
      text(first).includes('/no-content-')
        ? {
            kind: 'answer',
            bytes: 'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
          }
        : { kind: 'pipe' },
    )
    expect(result.verdict.status, result.verdict.message).toBe('pass')
  })

  it('reports another 5xx for an invalid upstream Content-Length as INFO, and its own broken error page is not blamed', async () => {
    const result = await verdictWith('framing/invalid-response-content-length-is-502', (first) =>
      text(first).includes('/list-')
        ? {
            kind: 'pipe',
            reply: (chunk) =>
              text(chunk).startsWith('HTTP/1.1 502')
                ? Buffer.from('HTTP/1.1 500 Oops\r\nContent-Length: 100\r\n\r\nshort')
                : chunk,
          }
        : { kind: 'pipe' },
    )
    expect(result.verdict.status, result.verdict.message).toBe('info')
    expect(result.verdict.observed).toContain('500')
  })

  it('fails a target that reads Content-Length 2^64 + 5 as 5 and serves the GET after it', async () => {
    const result = await verdictWith('framing/invalid-content-length-rejected', () => ({
      kind: 'pipe',
      rewrite: (b) =>
        Buffer.from(
          text(b).replace('Content-Length: 18446744073709551621', 'Content-Length: 5'),
          'latin1',
        ),
    }))
    expect(result.verdict.status).toBe('fail')
    expect(result.verdict.observed).toContain('2^64 + 5')
  })

  it('passes 64 KiB heads forwarded whole: the harness origin reads them and the reply is in the transcript', async () => {
    // A pipe straight to the origin: every byte forwarded whole, the way a peer with large
    // enough buffers forwards them.
    const pipe = await startFront(
      { ...reference, host: env.origin.host, port: env.origin.port },
      () => ({
        kind: 'pipe',
      }),
    )
    const result = await runCase(
      caseById('framing/oversized-heads-rejected-or-forwarded-whole'),
      pipe.endpoint,
      env,
    ).finally(() => pipe.close())
    expect(result.verdict.status, result.verdict.message).toBe('pass')
    const replies = result.evidence.events.filter(
      (e) => e.hop === 'client' && e.dir === 'from-target' && e.type === 'data',
    )
    expect(replies.length).toBeGreaterThan(0)
  })

  it('passes a folded chunked request decoded and forwarded with Content-Length, and a 500 for "chunked, chunked" (no sentence names that status)', async () => {
    const result = await verdictWith(
      'framing/transfer-encoding-not-chunked-last-rejected',
      (first) => {
        if (text(first).includes('chunked, chunked'))
          return {
            kind: 'answer',
            bytes: 'HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
          }
        return {
          kind: 'pipe',
          rewrite: (b) =>
            Buffer.from(
              text(b).replace(
                'Transfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
                'Content-Length: 5\r\n\r\nhello',
              ),
              'latin1',
            ),
        }
      },
    )
    expect(result.verdict.status, result.verdict.message).toBe('pass')
  })
})
