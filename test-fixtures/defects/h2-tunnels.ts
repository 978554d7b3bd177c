// Seeded defects of the reference h2 front (harness/reference/h2-front) that
// the h2 suite must catch: one replaced step each (parts/h2-defect.ts).
import type { SeededDefect } from './types.js'

export const h2TunnelDefects: readonly SeededDefect[] = []
