// H2-05, H2-09, H2-10 (Host from :authority, one well-formed h1 message, cookie crumbs).
import type { CaseDefinition } from '../../harness/engine/model/case.js'

export const translationCases: readonly CaseDefinition[] = []
