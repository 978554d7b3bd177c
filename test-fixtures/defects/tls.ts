// Seeded defects the tls suite must catch.
import type { SeededDefect } from './types.js'

export const tlsDefects: readonly SeededDefect[] = []
