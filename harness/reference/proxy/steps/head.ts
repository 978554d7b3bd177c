/**
 * Steps of the head stage: routing a request and rewriting the request and response heads (hop-by-hop fields, Via, Host, the request-target, the version, Date, Max-Forwards, loops, trailers).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */
import type { HeaderField, MessageHead, RequestHead, ResponseHead } from '../../../wire/types.js'
import { receivedMaxForwards } from '../max-forwards.js'
import {
  forwardsInterim,
  keptFields,
  ownVia,
  requestVersion,
  responseFieldLine,
  responseVersion,
  suppliedDate,
  upstreamHost,
  upstreamTarget,
  type UpstreamHost,
  type UpstreamRequestSpec,
} from '../message-head.js'
import type { Authority } from '../request-target.js'
import {
  forwardsLooping,
  hostProblem,
  originFormAuthority,
  routeFtp,
  type Route,
  type RoutingConfig,
} from '../route-request.js'

export interface HeadSteps {
  // Routing (route-request.ts).
  /** Why a request's Host is refused with 400: missing in 1.1, repeated, or invalid (RFC 9112 §3.2, HOP-14). */
  readonly hostProblem: (head: RequestHead) => string | undefined
  /** Whether a request that would loop (our own Via, or addressed to us) is forwarded anyway: never (RFC 9110 §7.6). */
  readonly forwardsLooping: (head: RequestHead | undefined) => boolean
  /** Where a forward proxy sends an origin-form request: nowhere, it needs absolute-form (RFC 9112 §3.2.2). */
  readonly originFormAuthority: (head: RequestHead) => Authority | undefined
  /** Where an absolute-form request of another scheme goes: ftp:// to the FTP gateway, if any; else undefined, 501 (RFC 9112 §3.2.2). */
  readonly routeFtp: (head: RequestHead, scheme: string, config: RoutingConfig) => Route | undefined
  // Max-Forwards (max-forwards.ts).
  /** The Max-Forwards of an OPTIONS or TRACE, read without overflow (RFC 9110 §7.6.2). */
  readonly receivedMaxForwards: (head: RequestHead) => bigint | undefined
  // The heads we write (message-head.ts).
  /** The received field lines forwarded, in order: the hop-by-hop ones removed (RFC 9110 §7.6.1, §5.3). */
  readonly keptFields: (head: MessageHead) => HeaderField[]
  /** The line written for a kept response field: its own bytes, never combined (RFC 9110 §5.3). */
  readonly responseFieldLine: (
    field: HeaderField,
    kept: readonly HeaderField[],
  ) => Buffer | undefined
  /** Our Via line, in either direction (RFC 9110 §7.6.3). */
  readonly ownVia: (head: MessageHead, viaName: string) => Buffer[]
  /** The request-target written upstream: the route's, byte for byte (RFC 9112 §3.2.1, §3.2.4; RFC 9110 §7.7). */
  readonly upstreamTarget: (head: RequestHead, target: string) => string
  /** The version of a request line we write: HTTP/1.1 (RFC 9110 §6.2). */
  readonly requestVersion: (head: RequestHead) => string
  /** The version of a status line we write: HTTP/1.1, whatever the client's (RFC 9110 §6.2). */
  readonly responseVersion: (head: ResponseHead, clientMinor: 0 | 1 | undefined) => string
  /** The Host lines of a forwarded request: rebuilt from absolute-form or kept (RFC 9112 §3.2, §3.2.2). */
  readonly upstreamHost: (head: RequestHead, host: UpstreamRequestSpec['host']) => UpstreamHost
  /** The Date supplied for a response without a valid one (RFC 9110 §6.6.1); undefined: none. */
  readonly suppliedDate: (head: ResponseHead, now: string) => string | undefined
  /** Whether a 1xx goes to a client of this minor version: 1.1 only (RFC 9110 §15.2). */
  readonly forwardsInterim: (clientMinor: 0 | 1) => boolean
}

export const headSteps: HeadSteps = {
  hostProblem,
  forwardsLooping,
  originFormAuthority,
  routeFtp,
  receivedMaxForwards,
  keptFields,
  responseFieldLine,
  ownVia,
  upstreamTarget,
  requestVersion,
  responseVersion,
  upstreamHost,
  suppliedDate,
  forwardsInterim,
}
