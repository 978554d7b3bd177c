import { effectiveRoles } from '../harness/engine/model/case.js'
import type { Level } from '../harness/engine/model/level.js'
import type { Role } from '../harness/engine/model/roles.js'
import {
  CATALOG_LEVELS,
  CATALOG_ROLES,
  type CatalogLevel,
  type CatalogRole,
} from './requirement-catalog.js'

/** What coverage needs of a catalog row (parseRequirementCatalog gives more). */
export interface CatalogRequirement {
  readonly id: string
  readonly level: CatalogLevel
  /** May name roles no suite runs yet (balancer, ftp-gateway): no case covers those. */
  readonly roles: readonly CatalogRole[]
  /** The row has a Contract part (a hybrid "MUST + Contract" keeps level MUST). */
  readonly contract?: boolean
}

/** What coverage needs of a case: a ConformanceCase fits. */
export interface CoveringCase {
  /** Shown in the report; cases without one are named by position ("#3"). */
  readonly id?: string
  readonly requirements: readonly string[]
  readonly level: Level
  readonly roles: readonly Role[]
  /** A reverse case that cannot run behind TLS (ConformanceCase.cleartextOnly). */
  readonly cleartextOnly?: string
}

export interface RequirementCoverage {
  readonly id: string
  readonly level: CatalogLevel
  /** Whether the row has a Contract part (docs/requirements.md §1.2). */
  readonly contract: boolean
  readonly roles: readonly CatalogRole[]
  /** Ids of the cases citing this requirement. */
  readonly cases: readonly string[]
  /** Catalog roles some citing case runs in. */
  readonly coveredRoles: readonly CatalogRole[]
  /** Catalog roles no citing case runs in. */
  readonly missingRoles: readonly CatalogRole[]
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
  /** The same, by the catalog's level (CONTRACT: rows judged only against a declared profile). */
  readonly byLevel: Readonly<Record<CatalogLevel, CoverageTally>>
  /** Per role: requirements that apply to it, and those a case covers in that role. */
  readonly byRole: Readonly<Record<CatalogRole, CoverageTally>>
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
  const citing = new Map<string, { name: string; roles: readonly CatalogRole[] }[]>()
  cases.forEach((c, index) => {
    for (const requirement of new Set(c.requirements)) {
      const list = citing.get(requirement) ?? []
      list.push({ name: c.id ?? `#${index}`, roles: effectiveRoles(c) })
      citing.set(requirement, list)
    }
  })
  const byLevel = tally(CATALOG_LEVELS)
  const byRole = tally(CATALOG_ROLES)
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
      contract: entry.contract === true,
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
