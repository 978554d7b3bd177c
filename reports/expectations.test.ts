import { describe, expect, it } from 'vitest'
import type { CaseResult } from '../harness/engine/model/run-result.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { applyExpectations, loadExpectations, unmatchedDeviations } from './expectations.js'
import { summarize } from '../harness/engine/model/summary.js'
import { validateRunResult } from './validate.js'

const file = (deviations: unknown[]): string => JSON.stringify({ deviations })
const find = (results: readonly CaseResult[], key: string): CaseResult =>
  results.find((r) => `${r.id}@${r.role}` === key) ?? results.find((r) => r.id === key)!

describe('loadExpectations', () => {
  it('reads deviations with optional expiry', () => {
    const loaded = loadExpectations(
      file([
        {
          case: 'hop-by-hop/appends-via-to-responses',
          reason: ' Via is added by the CDN ',
          expires: '2025-12-31',
        },
        { case: 'keep-alive/no-dumb-proxy-keep-alive-hang@reverse', reason: 'tracked in #123' },
      ]),
    )
    expect(loaded.deviations).toEqual([
      {
        case: 'hop-by-hop/appends-via-to-responses',
        reason: 'Via is added by the CDN',
        expires: '2025-12-31',
      },
      { case: 'keep-alive/no-dumb-proxy-keep-alive-hang@reverse', reason: 'tracked in #123' },
    ])
  })

  it.each([
    ['{', /^not valid JSON \(/],
    ['[]', /^the top level must be an object with a "deviations" array$/],
    ['{"deviations":[],"extra":1}', /^unknown top-level key "extra"/],
    [file([42]), /^deviations\[0\] is not an object/],
    [file([{ reason: 'r' }]), /^deviations\[0\]\.case is missing/],
    [file([{ case: 'Hop/X', reason: 'r' }]), /^deviations\[0\]\.case "Hop\/X" is not a case id/],
    [
      file([{ case: 'a/b@proxy', reason: 'r' }]),
      /^deviations\[0\]\.case "a\/b@proxy" names an unknown role "proxy" \(known: forward/,
    ],
    [file([{ case: 'a/b', reason: '  ' }]), /^deviations\[0\]\.reason is missing or empty/],
    [
      file([{ case: 'a/b', reason: 'r', expires: '2025-02-30' }]),
      /^deviations\[0\]\.expires "2025-02-30" is not a date YYYY-MM-DD$/,
    ],
    [
      file([{ case: 'a/b', reason: 'r', expires: 20251231 }]),
      /^deviations\[0\]\.expires 20251231 is not a date/,
    ],
    [
      file([{ case: 'a/b', reason: 'r', because: 'x' }]),
      /^deviations\[0\] has an unknown key "because"/,
    ],
    [
      file([
        { case: 'a/b', reason: 'r' },
        { case: 'a/b', reason: 's' },
      ]),
      /^deviations\[1\]\.case "a\/b" is declared twice \(first at deviations\[0\]\)$/,
    ],
  ])('rejects %s with a one-line reason', (text, message) => {
    expect(() => loadExpectations(text)).toThrow(message)
    try {
      loadExpectations(text)
    } catch (error) {
      expect((error as Error).message).not.toContain('\n')
    }
  })
})

describe('applyExpectations', () => {
  const mixed = loadGoldenRun('mixed-verdicts')
  const now = new Date('2025-06-01T12:00:00Z')

  it('excuses declared failures without changing their verdict, and recomputes the exit code', () => {
    const expectations = loadExpectations(
      file([
        { case: 'connect/2xx-has-no-framing-headers', reason: 'upstream library adds CL: 0' },
        { case: 'hop-by-hop/drops-connection-listed-request-fields@forward', reason: 'fix in 2.0' },
        {
          case: 'connect/propagates-close-and-half-close@forward',
          reason: 'half-close unsupported',
          expires: '2025-06-01',
        },
      ]),
    )
    const applied = applyExpectations(mixed, expectations, now)
    const framing = find(applied.results, 'connect/2xx-has-no-framing-headers@forward')
    expect(framing.verdict.status).toBe('fail')
    expect(framing.declared).toEqual({
      reason: 'upstream library adds CL: 0',
      originalStatus: 'fail',
    })
    expect(
      find(applied.results, 'connect/propagates-close-and-half-close@forward').declared,
    ).toEqual({
      reason: 'half-close unsupported',
      expires: '2025-06-01',
      originalStatus: 'timeout',
    })
    expect(
      find(applied.results, 'connect/2xx-has-no-framing-headers@reverse').declared,
    ).toBeUndefined()
    expect(mixed.summary.blocking).toBe(3)
    expect(applied.summary.blocking).toBe(0)
    expect(applied.summary.byStatus).toEqual(mixed.summary.byStatus)
    // The harness error still makes the run incomplete.
    expect(applied.summary.exitCode).toBe(2)
    const withoutError = applied.results.filter((r) => r.verdict.status !== 'error')
    expect(summarize(withoutError).exitCode).toBe(0)
    expect(validateRunResult(applied)).toEqual({ valid: true, errors: [] })
  })

  it('does not apply an expired declaration, and flags it', () => {
    const expectations = loadExpectations(
      file([
        {
          case: 'connect/2xx-has-no-framing-headers@forward',
          reason: 'old',
          expires: '2025-05-31',
        },
      ]),
    )
    const applied = applyExpectations(mixed, expectations, now)
    expect(find(applied.results, 'connect/2xx-has-no-framing-headers@forward').declared).toEqual({
      reason: 'old',
      expires: '2025-05-31',
      originalStatus: 'fail',
      expired: true,
    })
    expect(applied.summary.blocking).toBe(3)
  })

  it('flags a declared case that passes as an unexpected pass', () => {
    const expectations = loadExpectations(
      file([{ case: 'keep-alive/closes-after-connection-close', reason: 'was broken' }]),
    )
    const applied = applyExpectations(mixed, expectations, now)
    for (const role of ['forward', 'reverse']) {
      expect(
        find(applied.results, `keep-alive/closes-after-connection-close@${role}`).declared,
      ).toEqual({
        reason: 'was broken',
        originalStatus: 'pass',
        unexpectedPass: true,
      })
    }
    expect(applied.summary).toEqual(mixed.summary)
  })

  it('prefers an id@role declaration over a plain id, and is idempotent', () => {
    const expectations = loadExpectations(
      file([
        { case: 'hop-by-hop/drops-connection-listed-request-fields', reason: 'general' },
        { case: 'hop-by-hop/drops-connection-listed-request-fields@forward', reason: 'specific' },
      ]),
    )
    const once = applyExpectations(mixed, expectations, now)
    expect(
      find(once.results, 'hop-by-hop/drops-connection-listed-request-fields@forward').declared
        ?.reason,
    ).toBe('specific')
    expect(
      find(once.results, 'hop-by-hop/drops-connection-listed-request-fields@reverse').declared
        ?.reason,
    ).toBe('general')
    expect(applyExpectations(once, expectations, now)).toEqual(once)
    expect(applyExpectations(once, { deviations: [] }, now).results).toEqual(mixed.results)
  })

  it('lists declarations that match no result', () => {
    const expectations = loadExpectations(
      file([
        { case: 'hop-by-hop/drops-connection-listed-request-fields', reason: 'a' },
        { case: 'hop-by-hop/no-such-case', reason: 'b' },
        { case: 'keep-alive/closes-after-connection-close@tunnel', reason: 'c' },
      ]),
    )
    expect(unmatchedDeviations(mixed, expectations).map((d) => d.case)).toEqual([
      'hop-by-hop/no-such-case',
      'keep-alive/closes-after-connection-close@tunnel',
    ])
  })
})
