// H2-01, H2-02 (content-length and transfer-encoding: the H2.CL and H2.TE downgrade classes).
import type { CaseDefinition } from '../../harness/engine/model/case.js'

export const requestBodyCases: readonly CaseDefinition[] = []
