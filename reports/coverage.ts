import { LEVELS, type Level } from '../harness/model/level.js'
import { ROLES, type Role } from '../harness/model/roles.js'

/** What coverage needs of a catalog row (parseRequirementCatalog gives more). */
export interface CatalogRequirement {
  readonly id: string
  readonly level: Level
  readonly roles: readonly Role[]
}

/** What coverage needs of a case: a ConformanceCase fits. */
export interface CoveringCase {
  /** Shown in the report; cases without one are named by position ("#3"). */
  readonly id?: string
  readonly requirements: readonly string[]
  readonly level: Level
  readonly roles: readonly Role[]
}

export interface RequirementCoverage {
  readonly id: string
  readonly level: Level
  readonly roles: readonly Role[]
  /** Ids of the cases citing this requirement. */
  readonly cases: readonly string[]
  /** Catalog roles some citing case runs in. */
  readonly coveredRoles: readonly Role[]
  /** Catalog roles no citing case runs in. */
  readonly missingRoles: readonly Role[]
}

export interface CoverageTally {
  readonly total: number
  readonly covered: number
}

export interface CoverageReport {
  /** Every catalog requirement, in catalog order. */
  readonly requirements: readonly RequirementCoverage[]
  /** Requirements with at least one case, over all requirements. */
  readonly total: CoverageTally
  /** The same, by the catalog's level. */
  readonly byLevel: Readonly<Record<Level, CoverageTally>>
  /** Per role: requirements that apply to it, and those a case covers in that role. */
  readonly byRole: Readonly<Record<Role, CoverageTally>>
  /** Ids cited by cases that the catalog does not list (a typo, or a catalog gap). */
  readonly uncatalogued: readonly {
    readonly requirement: string
    readonly cases: readonly string[]
  }[]
}

const tally = <K extends string>(
  keys: readonly K[],
): Record<K, { total: number; covered: number }> =>
  Object.fromEntries(keys.map((k) => [k, { total: 0, covered: 0 }])) as Record<
    K,
    { total: number; covered: number }
  >

/**
 * Which catalog requirements have cases, by level and by role.
 * @example
 * const report = coverage(parseRequirementCatalog(markdown), allCases())
 * report.byLevel.MUST // { total: 70, covered: 9 }
 */
export function coverage(
  catalog: readonly CatalogRequirement[],
  cases: readonly CoveringCase[],
): CoverageReport {
  const citing = new Map<string, { name: string; roles: readonly Role[] }[]>()
  cases.forEach((c, index) => {
    for (const requirement of new Set(c.requirements)) {
      const list = citing.get(requirement) ?? []
      list.push({ name: c.id ?? `#${index}`, roles: c.roles })
      citing.set(requirement, list)
    }
  })
  const byLevel = tally(LEVELS)
  const byRole = tally(ROLES)
  const catalogued = new Set<string>()
  const requirements = catalog.map((entry): RequirementCoverage => {
    catalogued.add(entry.id)
    const found = citing.get(entry.id) ?? []
    const caseRoles = new Set(found.flatMap((c) => c.roles))
    const coveredRoles = entry.roles.filter((role) => caseRoles.has(role))
    byLevel[entry.level].total += 1
    if (found.length > 0) byLevel[entry.level].covered += 1
    for (const role of entry.roles) {
      byRole[role].total += 1
      if (caseRoles.has(role)) byRole[role].covered += 1
    }
    return {
      id: entry.id,
      level: entry.level,
      roles: entry.roles,
      cases: [...new Set(found.map((c) => c.name))],
      coveredRoles,
      missingRoles: entry.roles.filter((role) => !caseRoles.has(role)),
    }
  })
  const uncatalogued = [...citing]
    .filter(([requirement]) => !catalogued.has(requirement))
    .map(([requirement, found]) => ({ requirement, cases: found.map((c) => c.name) }))
  return {
    requirements,
    total: {
      total: requirements.length,
      covered: requirements.filter((r) => r.cases.length > 0).length,
    },
    byLevel,
    byRole,
    uncatalogued,
  }
}
