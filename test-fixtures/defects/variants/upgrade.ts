// Seeded defects that replace steps of the upgrade stage (harness/reference/proxy/steps/upgrade.ts).
import type { Variants } from './index.js'

export const upgradeVariants: Variants = {}
