/**
 * The steps of the h2 front's h2 upstream path (harness/reference/h2-front
 * upstream-pool.ts, upstream-stream.ts): a request stream of a front started
 * with an h2 upstream goes to the origin over our frame layer, and the
 * origin's response is checked before it is relayed (RFC 9113 §8.1.1).
 * Part of H2FrontSteps; a variant replaces them by name like any other step.
 */
import {
  checkUpstreamLength,
  upstreamReset,
  validateUpstreamResponse,
  validateUpstreamTrailers,
  type UpstreamBlockContext,
  type UpstreamResetAction,
} from '../upstream-rules.js'
import type { Problem } from '../types.js'
import type { H2Field } from '../types.js'

/** What the front holds of an origin's response before it relays it. */
export interface HeldResponse {
  /** DATA octets received and held. */
  readonly buffered: number
  /** The origin ended the stream (END_STREAM): the whole response is here. */
  readonly ended: boolean
}

/** Octets of a response the reference holds before relaying it (so short malformed ones become a 502). */
export const UPSTREAM_HOLD_BYTES = 16 * 1024

export interface H2UpstreamSteps {
  /** RFC 9113 §8.3.2, §8.2.1, §8.2.2, §8.1: why a response header block (1xx or final) is malformed, or undefined. */
  readonly validateUpstreamResponse: (
    fields: readonly H2Field[],
    context: UpstreamBlockContext,
  ) => Problem
  /** RFC 9113 §8.1.1: DATA against content-length; none on HEAD/204/304. */
  readonly checkUpstreamLength: (
    lengths: readonly string[],
    received: number,
    ended: boolean,
    noContent: boolean,
  ) => Problem
  /** RFC 9113 §8.1: a trailer section ends the stream and has no pseudo-header field. */
  readonly validateUpstreamTrailers: (fields: readonly H2Field[], endStream: boolean) => Problem
  /** Whether the front keeps holding the response (true) or starts relaying it. */
  readonly upstreamHold: (held: HeldResponse) => boolean
  /** RFC 9113 §5.1.2: whether one more stream may open on an origin connection with `active` open. */
  readonly upstreamStreamLimit: (active: number, advertised: number) => boolean
  /** RFC 9113 §8.1, §8.7: what an origin's RST_STREAM becomes toward the client. */
  readonly upstreamReset: (code: number, responseComplete: boolean) => UpstreamResetAction
  /** RFC 9113 §6.9.2: the connection receive window opened toward the origin at connect. */
  readonly upstreamConnectionWindow: () => number
  /**
   * RFC 9113 §5.2, §6.9: connection-level credit given back for `received`
   * octets of origin DATA: at once, so one client that reads slowly never
   * stalls the others sharing the connection (its stream holds what it has).
   */
  readonly upstreamCredit: (received: number) => number
}

export const referenceUpstreamSteps: H2UpstreamSteps = {
  validateUpstreamResponse,
  checkUpstreamLength,
  validateUpstreamTrailers,
  upstreamHold: (held: HeldResponse): boolean => !held.ended && held.buffered < UPSTREAM_HOLD_BYTES,
  upstreamStreamLimit: (active: number, advertised: number): boolean => active < advertised,
  upstreamReset,
  upstreamConnectionWindow: () => 2 ** 31 - 1,
  upstreamCredit: (received: number): number => received,
}

export type { UpstreamBlockContext, UpstreamResetAction }
