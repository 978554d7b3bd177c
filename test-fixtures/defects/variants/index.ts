/**
 * The seeded defects of the reference proxy as pipeline variants: each name
 * maps to the steps it replaces (harness/reference/proxy/steps). A defect
 * whose bug spans two stages has an entry in each stage's file; variantOf
 * merges them. The entries naming the cases that must catch each defect are
 * in the suite files beside (connect.ts, framing.ts, …).
 */
import type { ProxySteps, StepVariant } from '../../../harness/reference/proxy/steps/index.js'
import { connectVariants } from './connect.js'
import { framingVariants } from './framing.js'
import { headVariants } from './head.js'
import { persistenceVariants } from './persistence.js'
import { upgradeVariants } from './upgrade.js'

/** A stage's variants, by defect name. */
export type Variants = Readonly<Record<string, StepVariant>>

const STAGES: readonly Variants[] = [
  headVariants,
  framingVariants,
  persistenceVariants,
  connectVariants,
  upgradeVariants,
]

/** The variant seeding defect `name`, or undefined when no stage defines it. */
export function variantOf(name: string): StepVariant | undefined {
  const parts = STAGES.flatMap((stage) => (stage[name] === undefined ? [] : [stage[name]]))
  if (parts.length === 0) return undefined
  return (reference: ProxySteps) =>
    Object.assign({}, ...parts.map((part) => part(reference))) as Partial<ProxySteps>
}

/** Every defect name some stage defines. */
export function variantNames(): string[] {
  return [...new Set(STAGES.flatMap((stage) => Object.keys(stage)))].sort()
}
