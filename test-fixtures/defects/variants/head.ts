// Seeded defects that replace steps of the head stage (harness/reference/proxy/steps/head.ts).
import type { Variants } from './index.js'

export const headVariants: Variants = {}
