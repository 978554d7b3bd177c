/**
 * How strongly the catalog row binds the target. MUST rows fail, SHOULD rows
 * warn, and MAY, semantic and advisory rows (REQUIREMENTS.md §1.2) are INFO:
 * they are reported, never counted against the target.
 */
export type Level = 'MUST' | 'SHOULD' | 'INFO'

export const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'INFO']
