// Seeded defects that replace steps of the persistence stage (harness/reference/proxy/steps/persistence.ts).
import type { Variants } from './index.js'

export const persistenceVariants: Variants = {}
