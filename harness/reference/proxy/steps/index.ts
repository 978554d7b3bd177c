/**
 * The reference proxy as a pipeline of named steps. Each decision the proxy
 * takes on a message (parse it, route it, rewrite the request head, choose
 * and reuse an upstream, frame the body, rewrite the response head, decide
 * whether the connection persists, open a tunnel, switch protocols, balance
 * over several upstreams) is one
 * function in ProxySteps, in the spirit of http-proxy's passes and undici's
 * interceptors. The proxy calls a step only through the `steps` object it was
 * started with, so a variant (`ReferenceProxyOptions.steps`) can replace a
 * step by name and keep the rest: that is how an experiment, or a realistic
 * bug for the kill matrix (under test-fixtures/), is built, without a branch
 * in the reference.
 *
 * The steps are grouped by stage, one file each; a stage's file lists its
 * steps and their reference implementations.
 */
import { balanceSteps, type BalanceSteps } from './balance.js'
import { connectSteps, type ConnectSteps } from './connect.js'
import { framingSteps, type FramingSteps } from './framing.js'
import { headSteps, type HeadSteps } from './head.js'
import { persistenceSteps, type PersistenceSteps } from './persistence.js'
import { upgradeSteps, type UpgradeSteps } from './upgrade.js'

/** Every step of the reference proxy, by name. */
export interface ProxySteps
  extends HeadSteps, FramingSteps, PersistenceSteps, ConnectSteps, UpgradeSteps, BalanceSteps {}

/** The conformant pipeline. */
export const referenceSteps: ProxySteps = Object.freeze({
  ...headSteps,
  ...framingSteps,
  ...persistenceSteps,
  ...connectSteps,
  ...upgradeSteps,
  ...balanceSteps,
})

/**
 * A variant of the pipeline: the steps it replaces. It receives the reference
 * steps, so a replacement can call the step it wraps (`reference.x(...)`).
 */
export type StepVariant = (reference: ProxySteps) => Partial<ProxySteps>

/** The pipeline with `variant`'s replacements (the reference's own steps when there is none). */
export function stepsWith(variant?: StepVariant): ProxySteps {
  if (variant === undefined) return referenceSteps
  return Object.freeze({ ...referenceSteps, ...variant(referenceSteps) })
}
