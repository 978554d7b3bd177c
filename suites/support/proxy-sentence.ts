// Who a sentence binds decides the level in each role (RFC 9110 §3.7). A
// "proxy" is the intermediary the client selected (the forward role); a
// "gateway" (a.k.a. "reverse proxy", here reverse and tls-terminator) "acts as
// an origin server for the outbound connection", and "an HTTP-to-HTTP gateway
// that wishes to interoperate with third-party HTTP servers needs to conform
// to user agent requirements on the gateway's inbound connection". So a
// sentence that binds "a proxy" only does not bind a gateway, while one that
// binds a server, a recipient, an intermediary or a client does.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { Level } from '../../harness/engine/model/level.js'
import { violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { httpRole } from '../../harness/engine/model/roles.js'
import { weaker } from '../../harness/engine/model/verdict.js'

/**
 * For a rule whose sentence binds "a proxy" only: in the reverse role (and
 * behind TLS, tls-terminator) a violation becomes INFO, still saying what was
 * expected and seen, and which sentence does not bind the gateway. Other
 * outcomes, and every outcome in the forward role, are kept.
 */
export function proxySentence(ctx: CaseContext, outcome: Outcome, sentence: string): Outcome {
  if (httpRole(ctx.role) !== 'reverse' || outcome.kind !== 'violates') return outcome
  // Already INFO (e.g. which 5xx a refusal used): not this sentence's to grade.
  if (outcome.level === 'INFO') return outcome
  return violates(
    outcome.expected,
    `${outcome.observed} (not graded: ${sentence} binds a proxy, and a gateway is not one)`,
    'INFO',
  )
}

/**
 * For a rule whose MUST binds "a proxy" while a weaker sentence binds the
 * gateway as the client of its inbound connection (RFC 9110 §3.7): in the
 * reverse role (and tls-terminator) a violation is graded at `level`, naming
 * that sentence. Other outcomes, and every outcome in the forward role, are kept.
 */
export function gatewayAsClient(
  ctx: CaseContext,
  outcome: Outcome,
  level: Level,
  sentence: string,
): Outcome {
  if (httpRole(ctx.role) !== 'reverse' || outcome.kind !== 'violates') return outcome
  // Already at or below `level`: not this sentence's to grade.
  if (outcome.level !== undefined && weaker(outcome.level, level) === outcome.level) return outcome
  return violates(
    outcome.expected,
    `${outcome.observed} (a gateway is not a proxy; as the client of its origin it is bound by ${sentence})`,
    level,
  )
}
