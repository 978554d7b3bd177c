// H2-03, H2-06, H2-08 (CR/LF/NUL, connection-specific fields, whitespace).
import type { CaseDefinition } from '../../harness/engine/model/case.js'

export const requestFieldCases: readonly CaseDefinition[] = []
