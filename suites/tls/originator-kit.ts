/**
 * How the tls-originator cases drive the target: take the run's TLS origin
 * with one certificate profile (or version cap), send one GET through the
 * target, and see what reached the origin and what the client got back.
 */
import type {
  CaseContext,
  TlsOriginSetup,
  TlsOriginView,
} from '../../harness/engine/model/case-context.js'
import {
  conforms,
  endCase,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import { provenance } from '../support/provenance.js'
import type { OriginRequest } from '../../harness/origin/types.js'

export interface Exchange {
  readonly tls: TlsOriginView
  readonly response: HttpMessage<ResponseHead>
}

/** One GET through the target while the TLS origin presents `setup`; the case ends (endCase) if it went nowhere. */
export async function exchangeVia(ctx: CaseContext, setup: TlsOriginSetup): Promise<Exchange> {
  const tls = await ctx.useTlsOrigin(setup)
  if (isTimeout(tls)) return endCase(timedOut(tls.waitingFor, tls.afterMs))
  const client = await ctx.connect()
  await client.write(originRequest(ctx, { headers: [['Connection', 'close']] }))
  const read = responseOf(await client.readResponse(), 'a response from the gateway')
  // The client may hear the gateway's answer before the origin has logged the handshake behind it.
  const settled = await tls.settled()
  if (isTimeout(settled)) return endCase(timedOut(settled.waitingFor, settled.afterMs))
  return { tls, response: read }
}

/** Who produced the response: the TLS origin's, relayed, or the target's own (support/provenance.ts). */
function who(response: HttpMessage<ResponseHead>, requests: readonly OriginRequest[]): string {
  return provenance({ kind: 'response', message: response, interim: [] }, requests)
}

/**
 * The refusal rule (RFC 9110 §4.3.4; TLS-01, TLS-23): no byte of the request
 * reaches an upstream that failed verification, and the client gets a
 * gateway error. `what` says why this certificate must be refused.
 */
export async function mustRefuse(
  ctx: CaseContext,
  setup: TlsOriginSetup,
  what: string,
  /** A further check once the refusal is right; it ends the case (endCase) when something is wrong. */
  also?: (tls: TlsOriginView) => void,
): Promise<Outcome> {
  const exchange = await exchangeVia(ctx, setup)
  const { tls, response } = exchange
  const status = response.head.status
  const reached = tls.requests()
  if (reached.length > 0) {
    return violates(
      `no request at the upstream (${what}), and 502 for the client`,
      `the request reached the upstream over TLS (${reached.length} request${reached.length === 1 ? '' : 's'}); ${who(response, reached)}`,
    )
  }
  const tried = tls.handshakes()
  if (tried.length === 0) {
    // Nothing to judge: the target never tried to reach the upstream (misconfigured?).
    return observed(
      `the target answered ${statusLine(response)} without connecting to the TLS origin`,
    )
  }
  if (status !== 502 && status !== 503) {
    return violates('502 Bad Gateway (or 503)', who(response, reached))
  }
  also?.(tls)
  return conforms(`${who(response, reached)}, after ${tried.length} refused handshake(s)`)
}

/** The acceptance rule: a valid upstream gets the request and the client its 200. */
export async function mustAccept(ctx: CaseContext, setup: TlsOriginSetup): Promise<Outcome> {
  const exchange = await exchangeVia(ctx, setup)
  const { tls, response } = exchange
  if (tls.requests().length === 0 || response.head.status !== 200) {
    return violates(
      'the request at the upstream and its 200 relayed to the client',
      `${tls.requests().length} request(s) at the upstream; ${who(response, tls.requests())}`,
    )
  }
  return conforms()
}
