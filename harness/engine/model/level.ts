/**
 * How strongly the catalog row binds the target. MUST rows fail, SHOULD rows
 * warn, and MAY, semantic and advisory rows (docs/requirements.md §1.2) are INFO:
 * they are reported, never counted against the target. CONTRACT rows (§12.1)
 * are judged against what the target declares (its balancer profile), not an
 * RFC keyword: a deviation from the declaration fails like a MUST, and is
 * labelled as what it is, so a report never calls a product decision a MUST.
 * Strongest first (weaker() reads the order).
 */
export type Level = 'MUST' | 'CONTRACT' | 'SHOULD' | 'INFO'

export const LEVELS: readonly Level[] = ['MUST', 'CONTRACT', 'SHOULD', 'INFO']

/** Levels whose violation fails (and whose timeout blocks): an RFC MUST, or a declared contract. */
export function failsOnViolation(level: Level): boolean {
  return level === 'MUST' || level === 'CONTRACT'
}
