// Seeded defects the framing suite must catch.
import type { SeededDefect } from './types.js'

export const framingDefects: readonly SeededDefect[] = []
