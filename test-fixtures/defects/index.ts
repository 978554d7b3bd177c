// Every seeded-defect target, by area. The kill matrix runs them all.
import { hopByHopDefects } from './hop-by-hop.js'
import type { SeededDefect } from './types.js'

export type { SeededDefect } from './types.js'
export { runKillMatrix, type KillMatrix, type KillRow } from './kill-matrix.js'

export function allDefects(): readonly SeededDefect[] {
  const defects = [...hopByHopDefects]
  const seen = new Set<string>()
  for (const d of defects) {
    if (seen.has(d.name)) throw new TypeError(`[proxyspec] duplicate seeded defect "${d.name}"`)
    seen.add(d.name)
  }
  return defects
}
