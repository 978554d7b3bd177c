// A seeded defect of the reference h2 front (harness/reference/h2-front):
// the reference proxy, with its h2 front's steps replaced, started in each
// role as builtin:reference plays it (reverse, forward, and behind the
// reference TLS terminator, which hands ALPN h2 connections to the front).
import type { Role } from '../../../harness/engine/model/roles.js'
import type { H2FrontSteps, H2StepVariant } from '../../../harness/reference/h2-front/index.js'
import { withH2UpstreamTwin } from '../../../harness/engine/target/builtin.js'
import { referenceWith } from '../reference-with.js'
import type { SeededDefect } from '../types.js'

export interface H2DefectEntry extends SeededDefect {
  /** The h2 front steps it replaces. */
  readonly h2Steps?: H2StepVariant
  /** This defect with `variant`'s replacements (it gets the reference steps and may call them). */
  replacing(variant: (reference: H2FrontSteps) => Partial<H2FrontSteps>): H2DefectEntry
}

/**
 * `h2Defect(name, description, killedBy).replacing((reference) => ({ step: … }))`.
 * @default roles reverse (and tls-terminator behind it) and forward
 */
export function h2Defect(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
  roles: readonly [Role, ...Role[]] = ['reverse', 'forward'],
  h2Steps?: H2StepVariant,
): H2DefectEntry {
  return {
    name,
    description,
    killedBy,
    roles,
    behindTls: true,
    ...(h2Steps === undefined ? {} : { h2Steps }),
    // In a run with the h2 origin, with its h2-upstream twin (the same front steps replaced).
    start: async (role, env) =>
      withH2UpstreamTwin(
        await referenceWith(name, role, env, h2Steps === undefined ? {} : { h2Steps }),
        env,
        h2Steps,
      ),
    replacing: (variant) => h2Defect(name, description, killedBy, roles, variant),
  }
}
