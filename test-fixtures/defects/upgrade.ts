// Seeded defects the upgrade suite must catch.
import type { SeededDefect } from './types.js'

export const upgradeDefects: readonly SeededDefect[] = []
