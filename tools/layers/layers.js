// The layer rule, in plain JavaScript so that eslint.config.js (the per-file
// lint rule) and tools/layers/layers.test.ts (the tree-wide check in CI) use
// one definition. The table is layers.json; types are in layers.d.ts.
import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'

const TABLE = JSON.parse(readFileSync(new URL('./layers.json', import.meta.url), 'utf8'))

/** The repository root (this file is tools/layers/layers.js). */
export const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..')

/**
 * The folder unit a repository-relative path belongs to: two levels deep
 * (harness/wire, suites/connect, reports/matrix), three under harness/engine
 * and harness/reference (harness/engine/model); a top-level file is its own
 * unit (index.ts), a file directly in a folder belongs to that folder.
 */
export function unitOf(file) {
  const parts = file.split('/')
  const nested = parts[0] === 'harness' && (parts[1] === 'engine' || parts[1] === 'reference')
  const depth = nested ? 3 : 2
  return parts.slice(0, Math.min(depth, parts.length - 1)).join('/') || file
}

const matches = (pattern, unit) =>
  pattern.endsWith('/*')
    ? unit.startsWith(pattern.slice(0, -1)) && !unit.slice(pattern.length - 1).includes('/')
    : pattern === unit

/** The index of the layer `unit` is in, or -1 when layers.json does not place it. */
export function layerOf(unit) {
  return TABLE.layers.findIndex((layer) => layer.units.some((pattern) => matches(pattern, unit)))
}

/** The layer's name, for messages. */
export function layerName(index) {
  return TABLE.layers[index]?.name ?? 'no layer'
}

/**
 * Why an import from `from` to `to` (repository-relative paths) breaks the
 * layering, or undefined when it is allowed.
 */
export function importProblem(from, to) {
  const fromUnit = unitOf(from)
  const toUnit = unitOf(to)
  if (fromUnit === toUnit) return undefined
  const fromLayer = layerOf(fromUnit)
  const toLayer = layerOf(toUnit)
  if (fromLayer < 0) return `${fromUnit} has no layer in tools/layers/layers.json`
  if (toLayer < 0) return `${toUnit} has no layer in tools/layers/layers.json`
  if (toLayer > fromLayer)
    return `${fromUnit} (${layerName(fromLayer)}) may not import ${toUnit} (${layerName(toLayer)}, a layer above it)`
  return undefined
}

/** The ESLint plugin: `layers/no-upward-import` on every relative import of a source file. */
export const layersPlugin = {
  rules: {
    'no-upward-import': {
      meta: {
        type: 'problem',
        docs: { description: 'An import runs only down the layers of tools/layers/layers.json.' },
        schema: [],
      },
      create(context) {
        const file = relative(ROOT, context.filename)
        const check = (node) => {
          const spec = node.source?.value
          if (typeof spec !== 'string' || !spec.startsWith('.')) return
          const to = relative(ROOT, resolve(dirname(context.filename), spec))
          const problem = importProblem(file, to)
          if (problem !== undefined) context.report({ node: node.source, message: problem })
        }
        return {
          ImportDeclaration: check,
          ExportNamedDeclaration: check,
          ExportAllDeclaration: check,
          ImportExpression: check,
        }
      },
    },
  },
}
