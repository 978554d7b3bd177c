import type { TimeoutValue } from '../net/deadline.js'
import type { Started } from '../net/started.js'
import type { RequestHead } from '../wire/types.js'

/**
 * How the next hop answers one CONNECT (REQUIREMENTS.md §1.4 "U"):
 * - tunnel: `200 Connection Established`, then a real tunnel to the requested
 *   loopback host:port (anything not loopback gets 403);
 * - scripted: exactly `response` in one write (a 2xx with CL/TE, a 403, a 407…),
 *   then echo what arrives, close, or hold the connection open in silence.
 */
export type NextHopAnswer =
  | { readonly kind: 'tunnel' }
  | {
      readonly kind: 'scripted'
      readonly response: Buffer | string
      /** @default 'echo' */
      readonly then?: 'echo' | 'close' | 'hold'
    }

/** One request the next hop received, with what came through its tunnel afterwards. */
export interface NextHopRequest {
  /** Connection id, "u1", "u2"… */
  readonly id: string
  readonly head: RequestHead
  /** Bytes received after the head (tunnel data), so far. */
  readonly tunnelReceived: Buffer
  /** The status line the next hop answered with ("HTTP/1.1 200 Connection Established"); undefined until it has. */
  readonly answered: string | undefined
}

export interface NextHopOptions {
  /** The answer for a request no answerFor() rule matches. @default { kind: 'tunnel' } */
  readonly answer?: NextHopAnswer
}

/** A running harness next-hop proxy: what an intermediary under test is told to chain to. */
export interface StartedNextHop extends Started {
  readonly host: string
  readonly port: number
  /** "127.0.0.1:port" */
  readonly authority: string
  /** Every request head received so far, in order. */
  readonly requests: readonly NextHopRequest[]
  /**
   * Answers CONNECTs whose request-target names `port` (a case's own leased
   * listener, so rules never cross cases) with `answer`; returns the undo.
   */
  answerFor(port: number, answer: NextHopAnswer): () => void
  /** The first request received after this call whose target names `port`. */
  nextRequest(port: number, timeoutMs: number): Promise<NextHopRequest | TimeoutValue>
}
