/**
 * How strongly the catalog row binds the target. MUST rows fail, SHOULD rows
 * warn, and MAY, semantic and advisory rows (docs/requirements.md §1.2) are INFO:
 * they are reported, never counted against the target. Contract rows (§12,
 * judged against a declared balancer profile) have a catalog level of their
 * own, CatalogLevel in reports/requirement-catalog.ts; no case grades one yet.
 */
export type Level = 'MUST' | 'SHOULD' | 'INFO'

export const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'INFO']
