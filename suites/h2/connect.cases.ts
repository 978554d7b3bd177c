// H2-17 … H2-20 (CONNECT over HTTP/2).
import type { CaseDefinition } from '../../harness/engine/model/case.js'

export const connectCases: readonly CaseDefinition[] = []
