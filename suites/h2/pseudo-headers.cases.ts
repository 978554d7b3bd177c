// H2-04, H2-07 (pseudo-header values and structurally malformed blocks).
import type { CaseDefinition } from '../../harness/engine/model/case.js'

export const pseudoHeaderCases: readonly CaseDefinition[] = []
