// Seeded defects the keep-alive suite must catch.
import type { SeededDefect } from './types.js'

export const keepAliveDefects: readonly SeededDefect[] = []
