// Seeded defects that replace steps of the framing stage (harness/reference/proxy/steps/framing.ts).
import type { Variants } from './index.js'

export const framingVariants: Variants = {}
