import { parse, type TestCase, type TestSuites } from 'junit2json'
import { describe, expect, it } from 'vitest'
import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { applyExpectations, loadExpectations } from './expectations.js'
import { renderJunit } from './render-junit.js'

interface Property {
  name: string
  value: string | number
}
type ParsedCase = TestCase & { properties?: Property[] }

async function parsed(xml: string): Promise<TestSuites> {
  const doc = await parse(xml)
  if (doc === null || doc === undefined || !('testsuite' in doc))
    throw new Error('no <testsuites> root')
  return doc
}

function testcase(doc: TestSuites, name: string): ParsedCase {
  const found = (doc.testsuite ?? []).flatMap((s) => s.testcase ?? []).find((c) => c.name === name)
  if (found === undefined) throw new Error(`no testcase "${name}"`)
  return found
}

const props = (c: ParsedCase, name: string): string[] =>
  (c.properties ?? []).filter((p) => p.name === name).map((p) => String(p.value))

describe('renderJunit', () => {
  const mixed = loadGoldenRun('mixed-verdicts')

  it('writes one testcase per result, grouped in a testsuite per proxyspec suite', async () => {
    const doc = await parsed(renderJunit(mixed))
    expect(doc.tests).toBe(22)
    expect(doc.failures).toBe(3)
    expect(doc.errors).toBe(1)
    expect((doc.testsuite ?? []).map((s) => [s.name, s.tests])).toEqual([
      ['connect', 6],
      ['hop-by-hop', 10],
      ['keep-alive', 6],
    ])
    for (const suite of doc.testsuite ?? []) {
      for (const c of suite.testcase ?? []) expect(c.classname).toBe(suite.name)
    }
    const names = (doc.testsuite ?? []).flatMap((s) => (s.testcase ?? []).map((c) => c.name))
    expect(names.sort()).toEqual(mixed.results.map((r) => `${r.id} [${r.role}]`).sort())
  })

  it('carries requirement ids, level, role and spec urls as properties', async () => {
    const doc = await parsed(renderJunit(mixed))
    const c = testcase(doc, 'connect/2xx-has-no-framing-headers [forward]')
    expect(props(c, 'requirement')).toEqual(['CONNECT-03'])
    expect(props(c, 'level')).toEqual(['MUST'])
    expect(props(c, 'role')).toEqual(['forward'])
    expect(props(c, 'spec')).toEqual([
      'https://www.rfc-editor.org/rfc/rfc9110#section-9.3.6',
      'https://www.rfc-editor.org/rfc/rfc9110#section-8.6',
      'https://www.rfc-editor.org/rfc/rfc9112#section-6.1',
    ])
  })

  it('fails MUST failures and MUST timeouts with expected versus observed', async () => {
    const doc = await parsed(renderJunit(mixed))
    const fail = testcase(doc, 'connect/2xx-has-no-framing-headers [forward]')
    expect(fail.failure?.[0]?.type).toBe('MUST')
    expect(fail.failure?.[0]?.message).toBe(
      'expected a 2xx to CONNECT without Content-Length or Transfer-Encoding; observed Content-Length: 0; Transfer-Encoding: chunked',
    )
    expect(fail.failure?.[0]?.inner).toContain(
      'observed: Content-Length: 0; Transfer-Encoding: chunked',
    )
    const timeout = testcase(doc, 'connect/propagates-close-and-half-close [forward]')
    expect(timeout.failure?.[0]?.message).toMatch(/^no answer within 3000 ms/)
  })

  it('passes a SHOULD warning by default and fails it with strict', async () => {
    const name = 'connect/refuses-ports-outside-allow-list [forward]'
    const lenient = testcase(await parsed(renderJunit(mixed)), name)
    expect(lenient.failure).toBeUndefined()
    expect(lenient['system-out']?.[0]).toMatch(
      /^WARN SHOULD: expected CONNECT to port 41301 refused/,
    )
    const strict = testcase(await parsed(renderJunit(mixed, { strict: true })), name)
    expect(strict.failure?.[0]?.type).toBe('SHOULD')
  })

  it('reports harness errors as errors, and not-applicable or unsupported as skipped', async () => {
    const doc = await parsed(renderJunit(mixed))
    const error = testcase(doc, 'keep-alive/no-dumb-proxy-keep-alive-hang [forward]')
    expect(error.error?.[0]?.type).toBe('harness')
    expect(error.error?.[0]?.inner).toContain('HARNESS_ORIGIN_START_FAILED')
    expect(
      testcase(doc, 'keep-alive/no-dumb-proxy-keep-alive-hang [reverse]').skipped?.[0]?.message,
    ).toBe('unsupported: the target refuses HTTP/1.0 requests (505 HTTP Version Not Supported)')
    expect(
      testcase(doc, 'connect/2xx-has-no-framing-headers [reverse]').skipped?.[0]?.message,
    ).toMatch(/^not-applicable: applies to forward, tunnel/)
    expect(
      testcase(doc, 'hop-by-hop/parses-connection-as-a-list [forward]').skipped,
    ).toBeUndefined()
  })

  it('shows evidence with visible CR/LF and \\xNN for non-printables, credentials redacted', async () => {
    const doc = await parsed(renderJunit(mixed))
    const c = testcase(doc, 'hop-by-hop/drops-connection-listed-request-fields [forward]')
    const out = c['system-out']?.[0] ?? ''
    expect(out).toContain('c1 client → target: data')
    expect(out).toContain('X-Hop: 1\\r\\n\n')
    expect(out).toContain('X-Odd: tab\\x09here nul\\x00 bell\\x07 del\\x7f high\\xe9\\xff\\r\\n')
    expect(out).toContain('Authorization: Bearer [redacted 24 bytes]\\r\\n')
    expect(out).toContain(
      'observed: x-hop forwarded; Connection option "keep-alive" forwarded \\x1b[1m(bold)\\x1b[0m',
    )
    // No raw control character survives: every one is written as an escape.
    expect(Array.from(out).filter((ch) => ch < ' ' && ch !== '\n')).toEqual([])
  })

  it('keeps the target stderr once, readable', async () => {
    const doc = await parsed(renderJunit(mixed))
    const stderr = (doc.testsuite ?? []).flatMap((s) => s['system-err'] ?? [])
    expect(stderr).toEqual([
      'myproxy: listening on 127.0.0.1:40111\n\\x1b[31mWARN\\x1b[0m upstream closed early\\x00\n',
    ])
  })

  it('truncates long evidence', async () => {
    const name = 'connect/propagates-close-and-half-close [forward]'
    const full = testcase(await parsed(renderJunit(mixed)), name)['system-out']?.[0] ?? ''
    const cut =
      testcase(await parsed(renderJunit(mixed, { maxEvidenceChars: 400 })), name)[
        'system-out'
      ]?.[0] ?? ''
    expect(full).toContain('… 952 more bytes not shown')
    expect(cut.length).toBeLessThan(1200)
    expect(cut).toContain('… 4 more events not shown (see the JSON report)')
  })

  it('strips characters XML 1.0 cannot carry, so any consumer can parse the file', async () => {
    const base = mixed.results[0]!
    const nasty: CaseResult = {
      ...base,
      title: 'nul\u0000 esc\u001b fffe\uFFFE lone\uD800 ok & <tags> "quotes"',
      verdict: {
        status: 'fail',
        message: 'vt\u000b ff\u000c ]]> done',
        expected: 'a',
        observed: 'b',
      },
    }
    const run: RunResult = { ...mixed, results: [nasty] }
    const xml = renderJunit(run)
    const doc = await parsed(xml)
    const c = (doc.testsuite?.[0]?.testcase ?? [])[0] as ParsedCase
    expect(props(c, 'title')).toEqual(['nul esc fffe lone ok & <tags> "quotes"'])
    expect(c.failure?.[0]?.message).toBe('vt\\x0b ff\\x0c ]]> done')
  })

  it('skips a declared deviation, fails an expired one, and flags an unexpected pass', async () => {
    const expectations = loadExpectations(
      JSON.stringify({
        deviations: [
          { case: 'connect/2xx-has-no-framing-headers', reason: 'library adds CL: 0' },
          {
            case: 'hop-by-hop/drops-connection-listed-request-fields',
            reason: 'old',
            expires: '2025-01-31',
          },
          { case: 'keep-alive/closes-after-connection-close@forward', reason: 'was broken' },
        ],
      }),
    )
    const run = applyExpectations(mixed, expectations, new Date('2025-06-01T00:00:00Z'))
    const doc = await parsed(renderJunit(run))
    expect(doc.failures).toBe(2)
    const declared = testcase(doc, 'connect/2xx-has-no-framing-headers [forward]')
    expect(declared.failure).toBeUndefined()
    expect(declared.skipped?.[0]?.message).toBe(
      'declared deviation: library adds CL: 0 (verdict fail: expected a 2xx to CONNECT without Content-Length or Transfer-Encoding; observed Content-Length: 0; Transfer-Encoding: chunked)',
    )
    const expired = testcase(doc, 'hop-by-hop/drops-connection-listed-request-fields [forward]')
    expect(expired.failure?.[0]?.type).toBe('MUST')
    expect(props(expired, 'declared.expired')).toEqual(['2025-01-31'])
    const passed = testcase(doc, 'keep-alive/closes-after-connection-close [forward]')
    expect(passed.failure ?? passed.skipped).toBeUndefined()
    expect(props(passed, 'declared.unexpectedPass')).toEqual(['true'])
    expect(passed['system-out']?.[0]).toContain(
      'declared deviation no longer observed (the case passes): was broken',
    )
  })

  it('matches the reviewed snapshot of the mixed run', async () => {
    await expect(renderJunit(mixed)).toMatchFileSnapshot('./__snapshots__/mixed-verdicts.junit.xml')
  })
})
