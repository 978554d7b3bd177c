// A reverse case run as a tls-terminator: ctx.connect() speaks TLS to the
// target by default (SNI localhost, the run CA), the transcript holds the
// decrypted bytes, and a cleartextOnly case is not applicable there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inSuite, type ConformanceCase } from '../model/case.js'
import { conforms, violates } from '../model/outcome.js'
import { Scope } from '../../net/started.js'
import { startBuiltin } from '../target/builtin.js'
import { requestBytes } from '../../wire/serialize.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { runCase } from './run-case.js'
import { startRunEnvironment } from '../environment/start-environment.js'

const exchange = (over: Partial<ConformanceCase> = {}): ConformanceCase =>
  inSuite('demo', {
    id: 'one-exchange',
    title: 'one GET reaches the origin and its answer comes back',
    requirements: ['HOP-01'],
    spec: [{ rfc: 9110, section: '3.7' }],
    requirement: 'a gateway forwards a request to its upstream',
    level: 'MUST',
    roles: ['reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      await client.write(
        requestBytes({
          method: 'GET',
          target: ctx.requestTarget(ctx.path('tls')),
          headers: [['Host', ctx.originHost]],
        }),
      )
      const read = await client.readResponse()
      if (read.kind !== 'response') return violates('a response', read.kind)
      return read.message.head.status === 200
        ? conforms()
        : violates('200', String(read.message.head.status))
    },
    ...over,
  })

describe('a reverse case in the tls-terminator role', () => {
  const scope = new Scope()
  let env: RunEnvironment
  let target: TargetEndpoint
  beforeAll(async () => {
    env = await startRunEnvironment(scope, { tcpPerKind: 1 })
    target = scope.use(await startBuiltin('reference', 'tls-terminator', env)).endpoint
  })
  afterAll(() => scope.close())

  it('connects over TLS by default and records the decrypted bytes', async () => {
    const result = await runCase(exchange(), target, env)
    expect(result.role).toBe('tls-terminator')
    expect(result.verdict.status).toBe('pass')
    const client = result.evidence.events.filter((e) => e.hop === 'client')
    expect(client.find((e) => e.type === 'tls')?.detail).toMatch(/TLSv1\.[23]/)
    const sent = client
      .filter((e) => e.type === 'data' && e.dir === 'to-target')
      .map((e) => Buffer.from(e.base64 ?? '', 'base64').toString('latin1'))
      .join('')
    expect(sent).toMatch(/^GET \/[^ ]+\/tls HTTP\/1\.1\r\n/)
    expect(result.evidence.events.some((e) => e.hop === 'origin')).toBe(true)
  })

  it('speaks cleartext with tls: false, which the terminator does not answer as HTTP', async () => {
    const plain = exchange({
      async run(ctx) {
        const client = await ctx.connect({ tls: false })
        await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
        const read = await client.readResponse({ timeoutMs: 1000 })
        return read.kind === 'response' ? violates('no HTTP answer', 'a response') : conforms()
      },
    })
    const result = await runCase(plain, target, env)
    expect(result.verdict.status).toBe('pass')
    expect(result.evidence.events.some((e) => e.type === 'tls')).toBe(false)
  })

  it('reports a cleartextOnly case as not applicable, naming the roles it runs in', async () => {
    const result = await runCase(exchange({ cleartextOnly: 'a demo' }), target, env)
    expect(result.verdict).toMatchObject({
      status: 'not-applicable',
      message: 'applies to reverse, balancer; the target plays tls-terminator',
    })
  })
})
