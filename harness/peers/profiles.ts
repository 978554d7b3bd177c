import type { ConformanceCase } from '../engine/model/case.js'
import type { Role } from '../engine/model/roles.js'
import { HarnessError } from '../net/errors.js'
import type { PeerDefinition, PeerProfile } from './types.js'

/**
 * The profile a run uses (peer:NAME:PROFILE): the named one, or the peer's
 * default (its first) when none is named; undefined for a peer without
 * profiles. An unknown name is refused with the known ones.
 */
export function resolveProfile(definition: PeerDefinition, name?: string): PeerProfile | undefined {
  const profiles = definition.profiles
  if (name === undefined) return profiles?.[0]
  const found = profiles?.find((p) => p.name === name)
  if (found !== undefined) return found
  throw new HarnessError(
    'HARNESS_BAD_INPUT',
    profiles === undefined
      ? `peer:${definition.name} has no profiles (peer:${definition.name}:${name})`
      : `unknown profile "${name}" of peer:${definition.name} (known: ${profiles.map((p) => `peer:${definition.name}:${p.name}`).join(', ')})`,
  )
}

/** The roles the peer plays in this profile. */
export function profileRoles(
  definition: PeerDefinition,
  profile: PeerProfile | undefined,
): readonly Role[] {
  return profile?.roles ?? definition.roles
}

/** Refuses, with one line, a role the profile does not play. */
export function assertProfileRole(
  definition: PeerDefinition,
  profile: PeerProfile | undefined,
  role: Role,
): void {
  const roles = profileRoles(definition, profile)
  if (profile !== undefined && !roles.includes(role)) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `peer:${definition.name}:${profile.name} cannot play the ${role} role (it plays ${roles.join(', ')})`,
    )
  }
}

/**
 * Why the cases that need the harness next hop do not apply to this profile,
 * or undefined when the peer is told {next_hop} (a profile that chains, or a
 * peer without profiles, whose config decides).
 */
export function withoutNextHop(
  definition: PeerDefinition,
  profile: PeerProfile | undefined,
): string | undefined {
  if (profile === undefined || profile.nextHop) return undefined
  const chained = definition.profiles?.find((p) => p.nextHop)
  return `under peer:${definition.name}:${profile.name} ${profile.description}${chained === undefined ? '' : `; peer:${definition.name}:${chained.name} sends them on`}`
}

/** Whether a case's needs are met by a profile (a peer without profiles: always). */
function meets(profile: PeerProfile | undefined, c: ConformanceCase): boolean {
  return !(c.needs?.includes('next-hop') === true && profile?.nextHop === false)
}

/**
 * The cases a further profile adds to the peer's default in the matrix: those
 * the default profile does not meet and this one does (squid:chained: the
 * chained CONNECT cases), so each case shows once per peer and role.
 */
export function profileOnlyCases(
  definition: PeerDefinition,
  profile: PeerProfile | undefined,
  cases: readonly ConformanceCase[],
): ConformanceCase[] {
  const fallback = resolveProfile(definition)
  return cases.filter((c) => meets(profile, c) && !meets(fallback, c))
}
