// Seeded defects that replace steps of the connect stage (harness/reference/proxy/steps/connect.ts).
import type { Variants } from './index.js'

export const connectVariants: Variants = {}
