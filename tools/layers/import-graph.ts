/**
 * The repository's import graph by folder: every relative import of every
 * TypeScript source file (tests excluded: a self-test may use a test kit from
 * anywhere), resolved to the folder unit it lands in. layers.js holds the
 * rule; this file only reads.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { unitOf } from './layers.js'

/** One import: the file that has it, the file it names, their units. */
export interface ImportEdge {
  readonly from: string
  readonly to: string
  readonly fromUnit: string
  readonly toUnit: string
}

const SKIP = new Set(['node_modules', 'dist', 'dist-tools', '.git', 'coverage'])
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

/** Every .ts file under `root` that is shipped or run (no tests, no declarations). */
export function sourceFiles(root: string, dir = root): string[] {
  const files: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...sourceFiles(root, path))
    else if (entry.name.endsWith('.ts') && !/\.(test|spec|d)\.ts$/.test(entry.name))
      files.push(relative(root, path))
  }
  return files
}

/** The relative imports of every source file under `root`. */
export function importEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = []
  for (const from of sourceFiles(root)) {
    const text = readFileSync(join(root, from), 'utf8')
    for (const match of text.matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2])!
      const to = relative(root, resolve(root, dirname(from), spec)).replace(/\.js$/, '.ts')
      edges.push({ from, to, fromUnit: unitOf(from), toUnit: unitOf(to) })
    }
  }
  return edges
}
