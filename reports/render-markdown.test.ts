import { describe, expect, it } from 'vitest'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { diffRuns } from './diff.js'
import { applyExpectations, loadExpectations } from './expectations.js'
import { renderMarkdown } from './render-markdown.js'

const mixed = loadGoldenRun('mixed-verdicts')

describe('renderMarkdown', () => {
  it('opens with the verdict and a suite × status table', () => {
    const md = renderMarkdown(mixed)
    expect(md.split('\n')[0]).toBe(
      '## proxyspec: ⚠️ run incomplete: 1 harness error, 3 blocking failures',
    )
    expect(md).toContain(
      [
        '| suite | PASS | FAIL | WARN | INFO | N/A | UNSUPPORTED | TIMEOUT | ERROR |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| `connect` | 0 | 1 | 1 | 0 | 3 | 0 | 1 | 0 |',
        '| `hop-by-hop` | 7 | 1 | 0 | 1 | 1 | 0 | 0 | 0 |',
        '| `keep-alive` | 4 | 0 | 0 | 0 | 0 | 1 | 0 | 1 |',
        '| **total** | 11 | 2 | 1 | 1 | 4 | 1 | 1 | 1 |',
      ].join('\n'),
    )
    expect(renderMarkdown(loadGoldenRun('all-pass')).split('\n')[0]).toBe(
      '## proxyspec: ✅ no blocking failure',
    )
  })

  it('lists MUST failures first, then harness errors, then warnings, then observations', () => {
    const md = renderMarkdown(mixed)
    const order = [
      '### MUST failures (3)',
      '### Harness errors (1)',
      '### Warnings (SHOULD) (1)',
      '### Observations (INFO, 1)',
    ]
    const at = order.map((heading) => md.indexOf(heading))
    expect(at.every((i) => i > 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    const failures = md.slice(at[0], at[1])
    expect(failures.match(/^#### \S+ .*$/gm)).toEqual([
      '#### TIMEOUT `connect/propagates-close-and-half-close` [forward]',
      '#### FAIL `connect/2xx-has-no-framing-headers` [forward]',
      '#### FAIL `hop-by-hop/drops-connection-listed-request-fields` [forward]',
    ])
  })

  it('gives each failure its requirement, spec link, expected and observed, and evidence in <details>', () => {
    const md = renderMarkdown(mixed)
    const entry = md.slice(
      md.indexOf('#### FAIL `hop-by-hop/drops-connection-listed-request-fields`'),
    )
    expect(entry).toContain(
      '- **Requirement** `HOP-01` (MUST): An intermediary MUST remove the fields named',
    )
    expect(entry).toContain(
      '- **Spec** [RFC 9110 §7.6.1](https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1)',
    )
    expect(entry).toContain(
      '- **Expected** no X-Hop and none of the client connection options at the origin',
    )
    expect(entry).toContain(
      '- **Observed** x-hop forwarded; Connection option "keep-alive" forwarded \\\\x1b\\[1m(bold)\\\\x1b\\[0m',
    )
    expect(entry).toMatch(/<details><summary>Evidence \(6 wire events\)<\/summary>\n\n```text\n#1 /)
    expect(entry).toContain('    Authorization: Bearer [redacted 24 bytes]\\r\\n\n')
    expect(entry).toContain('X-Odd: tab\\x09here nul\\x00 bell\\x07 del\\x7f high\\xe9\\xff\\r\\n')
  })

  it('adds a regressions section when given a diff', () => {
    const base = loadGoldenRun('regression/base')
    const head = loadGoldenRun('regression/head')
    const md = renderMarkdown(head, { diff: diffRuns(base, head) })
    expect(md).toContain('### Regressions: ❌ new MUST failure')
    expect(md).toContain('#### New failures (11)')
    expect(md.indexOf('### Regressions')).toBeLessThan(md.indexOf('### MUST failures (11)'))
    expect(renderMarkdown(head)).not.toContain('Regressions')
  })

  it('keeps evidence for the first cases only, so a PR comment stays small', () => {
    const head = loadGoldenRun('regression/head')
    const md = renderMarkdown(head, { maxDetailed: 2 })
    expect(md.match(/<details>/g)).toHaveLength(2)
    expect(md).toContain('9 more (details in the HTML report):')
    expect(md).toContain(
      '- FAIL `hop-by-hop/appends-via-to-requests` [reverse] MUST: expected Via: 1.1 upstream-a',
    )
    expect(md.length).toBeLessThan(renderMarkdown(head).length / 2)
  })

  it('counts SHOULD warnings as failures under strict', () => {
    expect(renderMarkdown(mixed, { strict: true })).toContain(
      '### Failures (MUST, and SHOULD under strict) (4)',
    )
  })

  it('lists declared deviations and unexpected passes apart from failures', () => {
    const expectations = loadExpectations(
      JSON.stringify({
        deviations: [
          {
            case: 'connect/2xx-has-no-framing-headers',
            reason: 'library adds CL: 0',
            expires: '2026-01-01',
          },
          { case: 'keep-alive/closes-after-connection-close@forward', reason: 'was broken in 1.x' },
        ],
      }),
    )
    const md = renderMarkdown(
      applyExpectations(mixed, expectations, new Date('2025-06-01T00:00:00Z')),
    )
    expect(md).toContain('### MUST failures (2)')
    expect(md).toContain('### Declared deviations (2)')
    expect(md).toContain(
      '- `connect/2xx-has-no-framing-headers` [forward] MUST: FAIL, excused (until 2026-01-01): library adds CL: 0',
    )
    expect(md).toContain(
      '- `keep-alive/closes-after-connection-close` [forward] MUST: now PASSES (remove the declaration): was broken in 1.x',
    )
  })

  it('matches the reviewed snapshot of the mixed run', async () => {
    await expect(renderMarkdown(mixed)).toMatchFileSnapshot('./__snapshots__/mixed-verdicts.md')
  })

  it('stays within a PR comment however many cases fail: fewer evidence blocks, then a cut with a note', () => {
    // Copies of every result, as a big suite against a broken target would give.
    const copies = (n: number): typeof mixed => ({
      ...mixed,
      results: Array.from({ length: n }, (_, copy) =>
        mixed.results.map((r) => ({
          ...r,
          id: `${r.suite}/copy-${copy}-${r.id.split('/')[1] ?? ''}`,
        })),
      ).flat(),
    })
    const details = (md: string): number => md.split('<details>').length - 1
    const big = copies(40)
    const full = renderMarkdown(big, { maxChars: 10_000_000 })
    expect(full.length).toBeGreaterThan(60_000)
    const fitted = renderMarkdown(big)
    expect(fitted.length).toBeLessThanOrEqual(60_000)
    expect(details(fitted)).toBeLessThan(details(full))
    expect(fitted).not.toContain('cut to fit')
    expect(fitted.split('\n')[0]).toBe(full.split('\n')[0])

    const huge = renderMarkdown(copies(400))
    expect(huge.length).toBeLessThanOrEqual(60_000)
    expect(huge).toMatch(
      /cut to fit the size limit; every case is in the HTML and JSON reports\.\n$/,
    )
  })
})
