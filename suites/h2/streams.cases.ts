// H2-25, H2-29 … H2-32 (streams and connections end to end, starting h2).
import type { CaseDefinition } from '../../harness/engine/model/case.js'

export const streamCases: readonly CaseDefinition[] = []
