// Seeded defects the connect suite must catch.
import type { SeededDefect } from './types.js'

export const connectDefects: readonly SeededDefect[] = []
