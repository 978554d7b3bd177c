// Issue 10, item 21: origin traffic no case token names (a token-less request,
// bytes the origin cannot parse) is reported run-wide, and attributed to the
// case whose request the same pooled origin connection carried before.
import { createConnection, createServer, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSummary } from '../../../cli/print-result.js'
import { inSuite, type ConformanceCase } from '../model/case.js'
import { conforms, timedOut } from '../model/outcome.js'
import type { RunResult } from '../model/run-result.js'
import { isTimeout } from '../../net/deadline.js'
import { Scope } from '../../net/started.js'
import { renderHtml } from '../../../reports/render-html.js'
import { renderMarkdown } from '../../../reports/render-markdown.js'
import { validateRunResult } from '../../../reports/validate.js'
import { loadGoldenRun } from '../../../test-fixtures/run-results/load.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { runSuitesReport } from './run-suites.js'
import { startRunEnvironment } from '../environment/start-environment.js'

const scope = new Scope()
let env: RunEnvironment
beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1, timeoutMs: 2000 })
})
afterAll(() => scope.close())

/** A case that sends one GET through the target and passes once the origin has it. */
function probe(name: string): ConformanceCase {
  return inSuite('test', {
    id: name,
    title: name,
    requirements: ['HOP-01'],
    spec: [{ rfc: 9110, section: '7.6' }],
    requirement: 'a probe',
    level: 'MUST',
    roles: ['reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      await client.write(`GET ${ctx.path(name)} HTTP/1.1\r\nHost: ${ctx.origin.authority}\r\n\r\n`)
      const seen = await ctx.origin.nextRequest()
      if (isTimeout(seen)) return timedOut('the request at the origin', seen.afterMs)
      await client.readResponse()
      return conforms()
    },
  })
}

/**
 * A reverse "proxy" with ONE pooled upstream connection: it writes every
 * client head onto it and answers the client itself. After the head of
 * /…/first it smuggles a token-less request, after /…/second the end of a
 * chunked body it did not frame (`0`, which no request line is): the desyncs a pooled connection carries into the next case.
 */
async function smugglingTarget(): Promise<TargetEndpoint> {
  const upstream = createConnection({ host: env.origin.host, port: env.origin.port })
  upstream.on('data', () => undefined)
  upstream.on('error', () => undefined)
  const clients = new Set<Socket>()
  const server = createServer((client) => {
    clients.add(client)
    client.on('close', () => clients.delete(client))
    client.on('error', () => undefined)
    let buffered = ''
    client.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1')
      const end = buffered.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = buffered.slice(0, end + 4)
      buffered = buffered.slice(end + 4)
      let extra = ''
      if (head.includes('/first ')) extra = 'GET /smuggled HTTP/1.1\r\nHost: origin.test\r\n\r\n'
      if (head.includes('/second ')) extra = '0\r\n\r\n'
      upstream.write(head + extra, 'latin1')
      client.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  scope.defer(
    () =>
      new Promise<void>((resolve) => {
        upstream.destroy()
        for (const c of clients) c.destroy()
        server.close(() => resolve())
      }),
  )
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { label: 'smuggler', role: 'reverse', host: '127.0.0.1', port: address.port }
}

describe('unattributed origin traffic', () => {
  it('is listed run-wide and attributed to the case whose pooled connection carried it', async () => {
    const target = await smugglingTarget()
    const { results, unattributedOrigin } = await runSuitesReport(
      [probe('first'), probe('second')],
      [target],
      env,
      { concurrency: 1 },
    )
    expect(results.map((r) => r.verdict.status)).toEqual(['pass', 'pass'])
    const events = unattributedOrigin?.events ?? []
    const smuggled = events.find((e) => e.kind === 'request')
    expect(smuggled).toMatchObject({
      detail: 'GET /smuggled HTTP/1.1',
      case: { id: 'test/first', role: 'reverse' },
    })
    const garbage = events.find((e) => e.kind === 'parse-error')
    expect(garbage?.case).toEqual({ id: 'test/second', role: 'reverse' })
    expect(garbage?.conn).toBe(smuggled?.conn)
    expect(unattributedOrigin?.total).toBe(events.length)
    // Each case's evidence says it too, and only its own.
    const [first, second] = results
    expect(first?.evidence.notes.join('\n')).toMatch(
      /origin connection o\d+, which carried this case's request, then received a request without this case's token from the target: GET \/smuggled HTTP\/1\.1/,
    )
    expect(first?.evidence.notes.join('\n')).not.toContain('could not parse')
    expect(second?.evidence.notes.join('\n')).toContain('could not parse')

    // The report: schema-valid, and shown in HTML, Markdown and the CLI line.
    const golden = loadGoldenRun('all-pass')
    const run: RunResult = { ...golden, ...(unattributedOrigin ? { unattributedOrigin } : {}) }
    expect(validateRunResult(JSON.parse(JSON.stringify(run))).errors).toEqual([])
    expect(renderHtml(run)).toContain('Unattributed origin traffic (2)')
    expect(renderHtml(run)).toContain('attributed to test/first [reverse]')
    expect(renderMarkdown(run)).toContain('### Unattributed origin traffic (2)')
    expect(formatSummary(run, [])).toMatch(
      /origin: 2 unattributed: 1 request without a case token, 1 parse error; 2 attributed to a case by connection/,
    )
    expect(formatSummary(golden, [])).not.toContain('unattributed')
  })
})
