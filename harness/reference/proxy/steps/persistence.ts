/**
 * Steps of the persistence stage: the client session and upstream reuse (pipelining, persistence decisions, retries, the upstream pool, interim responses).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */
import type { RequestHead, ResponseHead } from '../../../wire/types.js'
import {
  afterAuthRefusal,
  answerRefusal,
  handledInParallel,
  isTunnelRequest,
  readsOnAfterClose,
  type Refusal,
  type RequestEnd,
  type SessionDeps,
} from '../client-session.js'
import type { BodyFraming } from '../framing.js'
import {
  mayChunkRequest,
  mayReuseUpstream,
  responseMethod,
  streamsRequestBody,
  type ClientSide,
  type RequestBodyState,
} from '../forward-request.js'
import {
  clientMayPersist,
  failureEndsPipeline,
  inboundPersistenceLines,
  mayRetry,
  upstreamMayPersist,
} from '../persistence.js'
import {
  finalResponseClose,
  relayFinalResponse,
  responseFramingForClient,
  upstreamResponseEnd,
  type RelayInput,
  type RelayResult,
  type ResponseClose,
  type ResponseEnd,
} from '../relay-response.js'
import type { ReadEvent } from '../socket-reader.js'

export interface PersistenceSteps {
  // The client session (client-session.ts).
  /** A pipelined request handled without waiting for the one before: none, responses go in request order (RFC 9112 §9.3.2). */
  handledInParallel(head: RequestHead): RequestHead | undefined
  /** Whether requests are still parsed after an exchange that ended the connection: never (RFC 9112 §9.6). */
  readsOnAfterClose(head: RequestHead): boolean
  /** Whether a request goes to the connect area as a tunnel request: every CONNECT (RFC 9110 §9.3.6). */
  isTunnelRequest(head: RequestHead): boolean
  /** Answers a refusal of this proxy's own: Connection: close, then close (RFC 9112 §9.6). */
  answerRefusal(client: ClientSide, refusal: Refusal, head: RequestHead): Promise<RequestEnd>
  /** Answers a 407 and how the session goes on after it: as any refusal (RFC 9110 §11.7.1, §15.5.8). */
  afterAuthRefusal(
    client: ClientSide,
    refusal: Refusal,
    head: RequestHead,
    session: SessionDeps,
  ): Promise<RequestEnd>

  // Persistence on each hop (persistence.ts).
  /** Whether the client connection may persist: HTTP/1.1 without close (RFC 9112 §9.3, App. C.2.2). */
  clientMayPersist(head: RequestHead): boolean
  /** Whether the upstream connection may carry another request after this response (RFC 9112 §9.3, §9.6). */
  upstreamMayPersist(head: ResponseHead, closeDelimited: boolean): boolean
  /** Whether a failed request may be sent again: idempotent, on a stale reused connection (RFC 9112 §9.3.1). */
  mayRetry(method: string, reused: boolean): boolean
  /** Whether a request that failed upstream ends the client's pipeline: a non-idempotent one (RFC 9112 §9.3.2). */
  failureEndsPipeline(method: string): boolean
  /** Persistence lines added to the forwarded request for the client: none (RFC 9110 §7.6.1, RFC 9112 §9.3). */
  inboundPersistenceLines(head: RequestHead): string[]

  // The forwarded exchange (forward-request.ts).
  /** Whether a chunked request may go to the upstream: not to one known to speak HTTP/1.0 (RFC 9112 §6.1). */
  mayChunkRequest(upstreamKnownHttp10: boolean): boolean
  /** Whether the request body streams upstream as it arrives: always (RFC 9110 §10.1.1). */
  streamsRequestBody(head: RequestHead): boolean
  /** The method whose response the upstream parser expects: the request's own (RFC 9112 §6.3). */
  responseMethod(method: string): string
  /** Whether the upstream connection may be pooled as far as the request body goes: once all of it went out (RFC 9112 §9.3). */
  mayReuseUpstream(requestBody: RequestBodyState): boolean

  // The relayed response (relay-response.ts).
  /** Relays the final response, head and body, trailers kept as trailers (RFC 9112 §6, §7; RFC 9110 §6.5.1). */
  relayFinalResponse(
    input: RelayInput,
    head: ResponseHead,
    upstream: BodyFraming,
  ): Promise<RelayResult>
  /** The final response's framing toward the client: chunked to HTTP/1.1, close-delimited to HTTP/1.0 (RFC 9112 §6.1, §6.3). */
  responseFramingForClient(upstream: BodyFraming, clientMinor: 0 | 1, method: string): BodyFraming
  /** Whether the client connection closes after the response, and whether it says so (RFC 9112 §9.6, §6.3 rule 8). */
  finalResponseClose(framing: BodyFraming, mustClose: boolean, head: ResponseHead): ResponseClose
  /** How the end of an upstream body is taken: a cut is never completed (RFC 9112 §6.3 rule 6, §8). */
  upstreamResponseEnd(event: ReadEvent<ResponseHead>): ResponseEnd
}

export const persistenceSteps: PersistenceSteps = {
  handledInParallel,
  readsOnAfterClose,
  isTunnelRequest,
  answerRefusal,
  afterAuthRefusal,
  clientMayPersist,
  upstreamMayPersist,
  mayRetry,
  failureEndsPipeline,
  inboundPersistenceLines,
  mayChunkRequest,
  streamsRequestBody,
  responseMethod,
  mayReuseUpstream,
  relayFinalResponse,
  responseFramingForClient,
  finalResponseClose,
  upstreamResponseEnd,
}
