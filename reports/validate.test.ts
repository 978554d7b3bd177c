import { describe, expect, it } from 'vitest'
import { loadGoldenRun, type GoldenRun } from '../test-fixtures/run-results/load.js'
import { parseRunResult, runResultSchemaPath, shallowCheck, validateRunResult } from './validate.js'

const GOLDEN: readonly GoldenRun[] = [
  'all-pass',
  'mixed-verdicts',
  'regression/base',
  'regression/head',
]

describe('validateRunResult', () => {
  it.each(GOLDEN)('accepts the golden run %s', (name) => {
    expect(validateRunResult(loadGoldenRun(name))).toEqual({ valid: true, errors: [] })
  })

  it('finds the schema file next to the module', () => {
    expect(runResultSchemaPath()).toMatch(/reports[\\/]run-result\.schema\.json$/)
  })

  it('rejects unknown properties, bad enums and malformed evidence, naming where', () => {
    const run = structuredClone(loadGoldenRun('mixed-verdicts')) as unknown as {
      extra?: number
      results: { verdict: { status: string }; evidence: { events: Record<string, unknown>[] } }[]
    }
    run.extra = 1
    run.results[0]!.verdict.status = 'flaky'
    const event = run.results[0]!.evidence.events.find((e) => e.type === 'data')!
    delete event.dir
    event.base64 = 'not base64!'
    const { valid, errors } = validateRunResult(run)
    expect(valid).toBe(false)
    expect(errors).toContain('(root) must NOT have additional properties "extra"')
    expect(
      errors.some((e) =>
        e.startsWith('/results/0/verdict/status must be equal to one of the allowed values'),
      ),
    ).toBe(true)
    expect(
      errors.some((e) =>
        /^\/results\/0\/evidence\/events\/\d+ must have required property 'dir'/.test(e),
      ),
    ).toBe(true)
    expect(errors.some((e) => e.includes('/base64 must match pattern'))).toBe(true)
  })
})

describe('run.options.shard (--shard i/n)', () => {
  const withShard = (shard: unknown): unknown => {
    const run = structuredClone(loadGoldenRun('all-pass')) as unknown as {
      run: { options: Record<string, unknown> }
    }
    run.run.options.shard = shard
    return run
  }

  it('accepts a shard: its index and count, and every unit of the whole run', () => {
    const units = [
      { id: 'connect/a', role: 'forward' },
      { id: 'connect/a', role: 'tunnel' },
    ]
    expect(validateRunResult(withShard({ index: 2, count: 4, units }))).toEqual({
      valid: true,
      errors: [],
    })
  })

  it('rejects an index below 1, a unit without a role or with an unknown one, an extra key', () => {
    const check = (shard: unknown): string[] => validateRunResult(withShard(shard)).errors
    expect(check({ index: 0, count: 4, units: [] })).toContain(
      '/run/options/shard/index must be >= 1',
    )
    expect(check({ index: 1, count: 4, units: [{ id: 'connect/a' }] })).toContain(
      "/run/options/shard/units/0 must have required property 'role'",
    )
    expect(
      check({ index: 1, count: 4, units: [{ id: 'connect/a', role: 'gateway' }] }).some((e) =>
        e.startsWith('/run/options/shard/units/0/role must be equal to one of the allowed values'),
      ),
    ).toBe(true)
    expect(check({ index: 1, count: 4, units: [], of: 4 })).toContain(
      '/run/options/shard must NOT have additional properties "of"',
    )
    expect(check({ index: 1, units: [] })).toContain(
      "/run/options/shard must have required property 'count'",
    )
  })
})

describe('parseRunResult', () => {
  it('returns a valid run and explains in one line why other text is not one', () => {
    const text = JSON.stringify(loadGoldenRun('all-pass'))
    expect(parseRunResult(text).target.label).toBe('builtin:reference')
    expect(() => parseRunResult('{')).toThrow(/^not valid JSON \(/)
    expect(() => parseRunResult(JSON.stringify({ schemaVersion: 2 }))).toThrow(
      'schemaVersion 2 is not one this proxyspec reads (1)',
    )
    expect(() => parseRunResult(JSON.stringify({ schemaVersion: 1 }))).toThrow(
      /^not a proxyspec RunResult: \(root\) must have required property 'tool'; .* \(and \d+ more\)$/,
    )
  })
})

describe('shallowCheck (no ajv installed)', () => {
  it('accepts a run and names what a wrong file lacks', () => {
    expect(shallowCheck(loadGoldenRun('mixed-verdicts'))).toEqual({ valid: true, errors: [] })
    expect(shallowCheck([])).toEqual({ valid: false, errors: ['(root) must be object'] })
    const noTool: Record<string, unknown> = { ...loadGoldenRun('all-pass') }
    delete noTool.tool
    expect(
      shallowCheck({ ...noTool, results: [{ id: 'a/b', role: 'forward', verdict: {} }] }),
    ).toEqual({
      valid: false,
      errors: ['/tool must be object', '/results/0/verdict must have a status'],
    })
  })
})
