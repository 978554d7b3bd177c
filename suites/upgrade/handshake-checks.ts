// What the upgrade cases check of a handshake's answer, shared by their files.
import { unsupported, type Outcome } from '../../harness/model/outcome.js'
import { fieldValues, listTokens } from '../../harness/wire/fields.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { statusLine } from '../support/request.js'
import type { HandshakeResult, OpenWebSocket } from '../support/websocket.js'

/** Every upgrade case runs through these roles (wss for the tls-terminator). */
export const UPGRADE_ROLES = ['forward', 'reverse', 'tls-terminator'] as const

/** The tunnel, or the Outcome: a target that answered without switching does not relay WebSocket. */
export function opened(
  result: HandshakeResult,
): { readonly ws: OpenWebSocket } | { readonly outcome: Outcome } {
  if (result.kind === 'outcome') return result
  if (result.kind === 'refused') {
    return {
      outcome: unsupported(
        `the target answered a WebSocket upgrade with ${statusLine(result.response)}, not 101`,
      ),
    }
  }
  return { ws: result.ws }
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
