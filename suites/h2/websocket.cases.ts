// H2-21 … H2-23 (WebSockets over HTTP/2, RFC 8441).
import type { CaseDefinition } from '../../harness/engine/model/case.js'

export const websocketCases: readonly CaseDefinition[] = []
