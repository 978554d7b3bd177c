// H2-11, H2-13 … H2-16 (responses toward the h2 client).
import type { CaseDefinition } from '../../harness/engine/model/case.js'

export const responseCases: readonly CaseDefinition[] = []
