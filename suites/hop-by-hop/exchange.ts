// The helpers every hop-by-hop case uses, so each case file only says what it
// sends and checks: the exchange helpers (support/exchange.ts) and Via lists.
import { fieldValues } from '../../harness/wire/fields.js'
import type { HeaderField } from '../../harness/wire/types.js'

// The exchange helpers live in support/exchange.ts (every suite may use them).
export {
  bothEnds,
  bothEndsOf,
  ownAnswer,
  requestAtOrigin,
  responseAtClient,
  type BothEnds,
} from '../support/exchange.js'
export { isRefusal } from '../support/request.js'

/** Via members in order across every Via line (RFC 9110 §7.6.3: a comma-separated list). */
export function viaMembers(headers: readonly HeaderField[]): string[] {
  return fieldValues(headers, 'via')
    .flatMap((value) => value.split(','))
    .map((member) => member.trim().replace(/\s+/g, ' '))
    .filter((member) => member !== '')
}

/** "a, b, c" for evidence, or "(none)". */
export function listed(values: readonly string[]): string {
  return values.length === 0 ? '(none)' : values.map((v) => `"${v}"`).join(', ')
}

// Shared with every suite (RFC 9110 §3.7: a gateway is not a proxy).
export { proxySentence } from '../support/proxy-sentence.js'
