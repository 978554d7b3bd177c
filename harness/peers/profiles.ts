import type { ConformanceCase } from '../engine/model/case.js'
import type { Front } from '../engine/model/front.js'
import type { Role } from '../engine/model/roles.js'
import { HarnessError } from '../net/errors.js'
import type { PeerDefinition, PeerPorts, PeerProfile } from './types.js'

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

/** The protocols the profile serves to clients (a peer without profiles: HTTP/1.1). */
export function profileFronts(profile: PeerProfile | undefined): readonly Front[] {
  return profile?.fronts ?? ['h1']
}

/** True when the peer runs in a profile that serves HTTP/2 to clients (peer:NAME:h2). */
export function servesH2(ports: PeerPorts): boolean {
  return profileFronts(ports.profile).includes('h2')
}

/**
 * The profile's name as runs and the matrix show it: undefined for a peer
 * without profiles and for an implicit default (peer:nginx stays peer:nginx).
 */
export function shownProfileName(profile: PeerProfile | undefined): string | undefined {
  return profile === undefined || profile.implicit === true ? undefined : profile.name
}

/** "peer:squid:chained", or "peer:nginx" for a peer's implicit default. */
export function profileLabel(name: string, profile: PeerProfile | undefined): string {
  const shown = shownProfileName(profile)
  return shown === undefined ? `peer:${name}` : `peer:${name}:${shown}`
}

/**
 * Whether a case's needs are met by a profile (a peer without profiles: when
 * the case speaks HTTP/1.1): the next hop, and the front protocol it speaks.
 */
function meets(profile: PeerProfile | undefined, c: ConformanceCase): boolean {
  if (!profileFronts(profile).includes(c.front ?? 'h1')) return false
  return !(c.needs?.includes('next-hop') === true && profile?.nextHop === false)
}

/**
 * The cases a further profile adds to the peer's default in the matrix: those
 * the default profile does not meet and this one does (squid:chained: the
 * chained CONNECT cases; nginx:h2: the h2 cases), so each case shows once per
 * peer and role.
 */
export function profileOnlyCases(
  definition: PeerDefinition,
  profile: PeerProfile | undefined,
  cases: readonly ConformanceCase[],
): ConformanceCase[] {
  const fallback = resolveProfile(definition)
  return cases.filter((c) => meets(profile, c) && !meets(fallback, c))
}
