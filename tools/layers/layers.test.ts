// The tree-wide layer check CI runs (the lint rule checks file by file; this
// checks every import of the tree at once, and what a per-file rule cannot
// see: folder cycles, and folders the layer table does not place).
import { ESLint, Linter } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'
import { folderCycles } from './cycles.js'
import { importEdges, sourceFiles } from './import-graph.js'
import { importProblem, layerOf, layersPlugin, ROOT, unitOf } from './layers.js'

describe('the layers of tools/layers/layers.json', () => {
  const edges = importEdges(ROOT)

  it('reads the tree: hundreds of imports, across the harness, suites and reports', () => {
    expect(edges.length).toBeGreaterThan(500)
    const units = new Set(edges.map((edge) => edge.fromUnit))
    for (const unit of [
      'harness/net',
      'harness/engine/runner',
      'harness/reference/proxy',
      'suites/connect',
      'reports',
      'cli',
    ])
      expect(units).toContain(unit)
  })

  it('places every folder that holds source', () => {
    const unplaced = [...new Set(sourceFiles(ROOT).map(unitOf))].filter((unit) => layerOf(unit) < 0)
    expect(unplaced).toEqual([])
  })

  it('has no import that runs up a layer', () => {
    const upward = edges
      .map((edge) => ({
        at: edge.from,
        import: edge.to,
        problem: importProblem(edge.from, edge.to),
      }))
      .filter((edge) => edge.problem !== undefined)
    expect(upward).toEqual([])
  })

  it('has no folder cycle', () => {
    expect(folderCycles(edges.map((edge) => [edge.fromUnit, edge.toUnit] as const))).toEqual([])
  })

  it('finds a cycle and an upward import when there is one (the check can fail)', () => {
    expect(
      folderCycles([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'd'],
      ]),
    ).toEqual([['a', 'b', 'c']])
    expect(importProblem('harness/net/deadline.ts', 'harness/engine/model/case.ts')).toMatch(
      /harness\/net .* may not import harness\/engine\/model/,
    )
    expect(importProblem('harness/reference/proxy/a.ts', 'suites/connect/b.ts')).toMatch(
      /a layer above/,
    )
    expect(importProblem('suites/connect/a.ts', 'harness/wire/b.ts')).toBeUndefined()
  })

  it('the lint rule reports an upward import, and eslint.config.js turns it on for source files', async () => {
    const linter = new Linter({ cwd: ROOT })
    const messages = linter.verify(
      "import { runCase } from '../engine/runner/run-case.js'\nexport const x = runCase\n",
      [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          plugins: { layers: layersPlugin as ESLint.Plugin },
          rules: { 'layers/no-upward-import': 'error' },
        },
      ],
      { filename: `${ROOT}/harness/wire/upward-example.ts` },
    )
    expect(messages.map((m) => m.message)).toEqual([
      'harness/wire (wire and tcp) may not import harness/engine/runner (runner, a layer above it)',
    ])
    const config = (await new ESLint({ cwd: ROOT }).calculateConfigForFile(
      `${ROOT}/harness/wire/parser.ts`,
    )) as { rules?: Record<string, unknown> }
    expect(config.rules?.['layers/no-upward-import']).toEqual([2])
  }, 60_000)
})
