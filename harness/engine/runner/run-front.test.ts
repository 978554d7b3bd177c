// The front protocol dimension (DESIGN.md): an h2 case runs only when the
// run speaks h2 to the target, and against a target that does not speak it
// every h2 case is unsupported for the one reason the preflight found.
import { describe, expect, it } from 'vitest'
import { defineSuite, type ConformanceCase } from '../model/case.js'
import { conforms } from '../model/outcome.js'
import { parseTarget } from '../target/target-spec.js'
import { executeRun } from './run.js'
import { selectCasesForRun } from './select.js'

const common = {
  requirements: ['H2-32'],
  spec: [{ rfc: 9113, section: '3.4' }],
  requirement: 'a test case',
  level: 'MUST',
  roles: ['reverse'],
} as const

const catalog: readonly ConformanceCase[] = defineSuite({
  id: 'fronts',
  title: 'fronts',
  cases: [
    {
      ...common,
      id: 'speaks-h1',
      title: 'h1',
      run: () => Promise.resolve(conforms('ran')),
    },
    {
      ...common,
      id: 'speaks-h2',
      title: 'h2',
      front: 'h2',
      run: async (ctx) => {
        await ctx.h2()
        return conforms('ran over h2')
      },
    },
  ],
}).cases

describe('the front dimension', () => {
  it('leaves out the cases of a front the run does not speak', () => {
    const ids = (fronts: readonly ('h1' | 'h2')[]): string[] =>
      selectCasesForRun(catalog, { suites: [], cases: [] }, ['reverse'], fronts).map((c) => c.id)
    expect(ids(['h1'])).toEqual(['fronts/speaks-h1'])
    expect(ids(['h2'])).toEqual(['fronts/speaks-h2'])
    expect(ids(['h1', 'h2'])).toEqual(['fronts/speaks-h1', 'fronts/speaks-h2'])
  })

  it('reports the h2 cases unsupported, with one line, when the target does not speak h2', async () => {
    const lines: string[] = []
    const result = await executeRun(
      {
        target: parseTarget('builtin:blind-relay'),
        roles: ['reverse'],
        fronts: ['h1', 'h2'],
        selection: { suites: [], cases: [] },
        onUnsupportedFront: (role, front, reason) => lines.push(`${role} ${front} ${reason}`),
      },
      catalog,
    )
    const byId = new Map(result.results.map((r) => [r.id, r.verdict]))
    expect(byId.get('fronts/speaks-h1')?.status).toBe('pass')
    expect(byId.get('fronts/speaks-h2')?.status).toBe('unsupported')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^reverse h2 it does not speak HTTP\/2 by prior knowledge/)
    expect(byId.get('fronts/speaks-h2')?.message).toBe(lines[0]?.slice('reverse h2 '.length))
    expect(result.run.options.fronts).toEqual(['h1', 'h2'])
  }, 20_000)
})
