// What the upgrade cases check of a handshake's answer, shared by their files.
import { endCase, unsupported, type Outcome } from '../../harness/engine/model/outcome.js'
import { fieldValues, listTokens } from '../../harness/wire/fields.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import type { HandshakeResult, OpenWebSocket } from '../support/websocket.js'

/** Every upgrade case runs through these roles (wss for the tls-terminator). */
export const UPGRADE_ROLES = ['forward', 'reverse', 'tls-terminator'] as const

/** The tunnel, or the case ends (endCase): a target that answered without switching does not relay WebSocket. */
export function opened(result: HandshakeResult): OpenWebSocket {
  if (result.kind === 'outcome') return endCase(result.outcome)
  if (result.kind === 'refused')
    return endCase(unsupported(`no 101 to a WebSocket upgrade: ${result.provenance}`))
  return result.ws
}

/** RFC 9110 §7.8: the 101 names the protocol and carries the `upgrade` connection option. */
export function switchProblems(response: HttpMessage<ResponseHead>): string[] {
  const problems: string[] = []
  if (!listTokens(response.head.headers, 'upgrade').includes('websocket'))
    problems.push(
      `Upgrade: ${fieldValues(response.head.headers, 'upgrade').join(', ') || '(none)'}`,
    )
  if (!listTokens(response.head.headers, 'connection').includes('upgrade'))
    problems.push(
      `Connection: ${fieldValues(response.head.headers, 'connection').join(', ') || '(none)'}`,
    )
  return problems
}

/** What one variant of a multi-variant case observed. */
export interface VariantResult {
  readonly name: string
  readonly outcome: Outcome
}

/**
 * One Outcome for a case that ran every variant: each variant's result is
 * reported (a violation does not hide the others). Violations first, then
 * timeouts; unsupported only when every variant was; the passing variants go
 * into the note or the observation.
 */
export function allVariants(results: readonly VariantResult[]): Outcome {
  const line = (r: VariantResult): string => {
    const o = r.outcome
    switch (o.kind) {
      case 'conforms':
        return `${r.name}: as expected${o.note === undefined ? '' : ` (${o.note})`}`
      case 'violates':
        return `${r.name}: ${o.observed}`
      case 'observed':
        return `${r.name}: ${o.observation}`
      case 'unsupported':
        return `${r.name}: ${o.reason}`
      case 'timeout':
        return `${r.name}: no answer within ${Math.round(o.afterMs)} ms while waiting for ${o.waitingFor}`
    }
  }
  const all = results.map(line).join('; ')
  const violations = results.filter((r) => r.outcome.kind === 'violates')
  if (violations.length > 0) {
    const expected = violations
      .map((r) => (r.outcome.kind === 'violates' ? `${r.name}: ${r.outcome.expected}` : ''))
      .join('; ')
    return { kind: 'violates', expected, observed: all }
  }
  const timeout = results.find((r) => r.outcome.kind === 'timeout')
  if (timeout?.outcome.kind === 'timeout')
    return { ...timeout.outcome, waitingFor: `${timeout.outcome.waitingFor} (${all})` }
  if (results.length > 0 && results.every((r) => r.outcome.kind === 'unsupported'))
    return unsupported(all)
  if (results.some((r) => r.outcome.kind === 'observed'))
    return { kind: 'observed', observation: all }
  return { kind: 'conforms', note: all }
}
