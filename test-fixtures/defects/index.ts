// Every seeded-defect target, by area (one file each). The kill matrix runs them all.
import { balancingDefects } from './balancing.js'
import { connectDefects } from './connect.js'
import { framingDefects } from './framing.js'
import { ftpGatewayDefects } from './ftp-gateway.js'
import { h2PseudoDefects } from './h2-pseudo.js'
import { h2ResponseDefects } from './h2-responses.js'
import { h2SmugglingDefects } from './h2-smuggling.js'
import { h2TunnelDefects } from './h2-tunnels.js'
import { h2UpstreamDefects } from './h2-upstream.js'
import { hopByHopDefects } from './hop-by-hop.js'
import { keepAliveDefects } from './keep-alive.js'
import { tlsDefects } from './tls.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import type { Role } from '../../harness/engine/model/roles.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'
import type { StepVariant } from '../../harness/reference/proxy/steps/index.js'
import type { SeededDefect } from './types.js'
import type { H2StepVariant } from '../../harness/reference/h2-front/index.js'
import { upgradeDefects } from './upgrade.js'

export type { SeededDefect } from './types.js'
export { runKillMatrix, formatKillMatrix, type KillMatrix, type KillRow } from './kill-matrix.js'

export function allDefects(): readonly SeededDefect[] {
  const defects = [
    ...connectDefects,
    ...hopByHopDefects,
    ...keepAliveDefects,
    ...framingDefects,
    ...upgradeDefects,
    ...tlsDefects,
    ...balancingDefects,
    ...ftpGatewayDefects,
    ...h2SmugglingDefects,
    ...h2PseudoDefects,
    ...h2ResponseDefects,
    ...h2TunnelDefects,
    ...h2UpstreamDefects,
  ]
  const seen = new Set<string>()
  for (const d of defects) {
    if (seen.has(d.name)) throw new TypeError(`[proxyspec] duplicate seeded defect "${d.name}"`)
    seen.add(d.name)
  }
  return defects
}

/**
 * The pipeline variant of seeded proxy defect `name`: the steps it replaces,
 * for a self-test that starts the reference with it
 * (`startReferenceProxy({ …, steps: variantOf('drops-via') })`).
 */
export function variantOf(name: string): StepVariant {
  const entry = allDefects().find((d) => d.name === name) as { steps?: StepVariant } | undefined
  if (entry?.steps === undefined)
    throw new TypeError(`[proxyspec] no seeded proxy defect "${name}" replaces steps`)
  return entry.steps
}

/** The h2 front variant of seeded defect `name` (parts/h2-defect.ts), for a self-test. */
export function h2VariantOf(name: string): H2StepVariant {
  const entry = allDefects().find((d) => d.name === name) as { h2Steps?: H2StepVariant } | undefined
  if (entry?.h2Steps === undefined)
    throw new TypeError(`[proxyspec] no seeded h2 defect "${name}" replaces h2 front steps`)
  return entry.h2Steps
}

/** Starts seeded defect `name` in `role`, as the kill matrix does (for self-tests). */
export function startDefect(name: string, role: Role, env: RunEnvironment): Promise<StartedTarget> {
  const entry = allDefects().find((d) => d.name === name)
  if (entry === undefined) throw new TypeError(`[proxyspec] no seeded defect "${name}"`)
  return entry.start(role, env)
}
