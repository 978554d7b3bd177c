/**
 * The reference h2 front as named steps, in the pattern of
 * harness/reference/proxy/steps: every decision the front takes on a stream
 * (validate the fields, build the HTTP/1.1 request, translate the response,
 * open a tunnel, enforce limits and windows) is one function of H2FrontSteps,
 * called only through the `steps` object the front was started with, so a
 * variant (`ReferenceProxyOptions.h2Steps`) replaces a step by name and keeps
 * the rest.
 */
import type { ResponseHead } from '../../../wire/types.js'
import type { HeaderField, HttpMessage } from '../../../wire/types.js'
import { ERROR_CODE, SETTING } from '../../../h2/constants.js'
import {
  connectRequest,
  extendedConnect,
  tunnelClose,
  tunnelResponse,
  websocketHandshakeCheck,
  type TunnelAction,
  type TunnelEvent,
  type WebSocketHandshake,
} from '../connect-rules.js'
import {
  checkContentLength,
  hostFromAuthority,
  joinCookies,
  rejectConnectionSpecific,
  validateFieldNames,
  validateFieldValues,
  validatePseudoHeaders,
  validateTrailers,
} from '../request-checks.js'
import { buildRequestHead, type OutgoingRequest } from '../request-head.js'
import {
  bodilessResponse,
  interimResponse,
  responseFields,
  trailersOut,
  truncatedResponse,
  type InterimAction,
} from '../response-rules.js'
import type { H2Field, H2RequestHead, Problem } from '../types.js'
import { referenceUpstreamSteps, type H2UpstreamSteps } from './upstream.js'

/** What the front knows when it decides whether to start forwarding a request it holds. */
export interface HeldRequest {
  /** Body octets received and held so far. */
  readonly buffered: number
  /** The declared content-length, if any. */
  readonly declared: number | undefined
  /** The client sent `expect: 100-continue` (it waits for a 100 before sending the body). */
  readonly expectContinue: boolean
  /** The client's stream ended (END_STREAM): the whole request is here. */
  readonly ended: boolean
  /** The stream's receive window the front advertised. */
  readonly window: number
}

/** How the front refuses a malformed request (RFC 9113 §8.1.1). */
export interface Rejection {
  /** A response sent before the reset (MAY), when none was under way. */
  readonly status?: number
  /** The RST_STREAM code (PROTOCOL_ERROR). */
  readonly code: number
}

/** How much of a stream's pending DATA the front may send now. */
export interface SendBudget {
  readonly pending: number
  readonly connectionWindow: number
  readonly streamWindow: number
  readonly maxFrameSize: number
}

/** Every step of the h2 front, by name (the h2 upstream path's in steps/upstream.ts). */
export interface H2FrontSteps extends H2UpstreamSteps {
  /** The SETTINGS the front sends first (RFC 9113 §3.4, §6.5.2; RFC 8441 §3). */
  readonly serverSettings: () => readonly (readonly [id: number, value: number])[]
  /** RFC 9113 §8.2.1: names not empty, lowercase tokens, no colon in a regular name. */
  readonly validateFieldNames: (fields: readonly H2Field[]) => Problem
  /** RFC 9113 §8.2.1: no NUL/CR/LF, no leading or trailing SP/HTAB (and RFC 9110 §5.5 controls). */
  readonly validateFieldValues: (fields: readonly H2Field[]) => Problem
  /** RFC 9113 §8.3, §8.3.1; RFC 8441 §4: the pseudo-header fields of a request block. */
  readonly validatePseudoHeaders: (
    fields: readonly H2Field[],
    options: { readonly connectProtocol: boolean },
  ) => Problem
  /** RFC 9113 §8.1: a later HEADERS is a trailer section with END_STREAM and no pseudo-header. */
  readonly validateTrailers: (fields: readonly H2Field[], endStream: boolean) => Problem
  /** RFC 9113 §8.2.2: connection-specific fields, TE other than trailers. */
  readonly rejectConnectionSpecific: (fields: readonly H2Field[]) => Problem
  /** RFC 9113 §8.1.1: content-length values against the DATA received (and the end of the stream). */
  readonly checkContentLength: (
    values: readonly string[],
    received: number,
    ended: boolean,
  ) => Problem
  /** RFC 9113 §8.1.1: how a malformed request is refused (400 then RST_STREAM(PROTOCOL_ERROR)). */
  readonly rejectMalformed: (problem: string, responseStarted: boolean) => Rejection
  /** RFC 9113 §8.2.3: cookie crumbs joined with "; " into one field. */
  readonly joinCookies: (fields: readonly H2Field[]) => H2Field[]
  /** RFC 9113 §8.3.1: the Host of the HTTP/1.1 request, or why the request is malformed. */
  readonly hostFromAuthority: (
    head: H2RequestHead,
  ) => { readonly host: string } | { readonly problem: string }
  /** Whether a request held so far goes out now (otherwise the front waits for more DATA or END_STREAM). */
  readonly startForwarding: (held: HeldRequest) => boolean
  /** The HTTP/1.1 request head written on the internal connection (request line, Host, fields, framing). */
  readonly buildRequestHead: (request: OutgoingRequest) => Buffer
  /** RFC 9113 §8.2.2: the h2 fields of an HTTP/1.1 response head (connection-specific removed, lowercase). */
  readonly responseFields: (headers: readonly HeaderField[]) => H2Field[]
  /** RFC 9110 §15.2, RFC 9113 §8.1: what a 1xx becomes (101 to a non-upgrade: 502). */
  readonly interimResponse: (head: ResponseHead, upgradeAsked: boolean) => InterimAction
  /**
   * RFC 9110 §9.3.2, §6.4.1: the method whose response framing the front
   * reads on the internal connection (the response to HEAD has no content,
   * whatever its Content-Length says).
   */
  readonly responseMethod: (method: string) => string
  /** RFC 9110 §6.4.1: the response has no content (HEAD, 204, 304): END_STREAM on its HEADERS. */
  readonly bodilessResponse: (method: string, status: number) => boolean
  /** RFC 9113 §8.1: the RST_STREAM code of a response cut short, or undefined for END_STREAM. */
  readonly truncatedResponse: (
    message: Pick<HttpMessage, 'complete' | 'framing'>,
  ) => number | undefined
  /** RFC 9110 §6.5: the trailing HEADERS of a chunked trailer section, or undefined for none. */
  readonly trailersOut: (trailers: readonly HeaderField[]) => H2Field[] | undefined
  /** RFC 9113 §5.4.2, §8.1: a client RST_STREAM aborts the internal HTTP/1.1 exchange. */
  readonly onClientReset: (internal: { resetAndDestroy(): unknown; destroy(): unknown }) => void
  /** RFC 9113 §8.5: the CONNECT form check: the target authority, or the problem. */
  readonly connectRequest: (
    head: H2RequestHead,
  ) => { readonly authority: string } | { readonly problem: string }
  /** RFC 8441 §5, RFC 6455 §4.1: the WebSocket handshake of an extended CONNECT, or undefined to refuse its :protocol. */
  readonly extendedConnect: (head: H2RequestHead) => WebSocketHandshake | undefined
  /** RFC 6455 §4.1: why the HTTP/1.1 answer to the handshake opens no tunnel, or undefined. */
  readonly websocketHandshakeCheck: (head: ResponseHead, key: string) => string | undefined
  /**
   * RFC 9110 §9.3.6, RFC 8441 §5, RFC 9113 §8.6: the HEADERS block (`:status`
   * first) of the 2xx that opens a tunnel, from the HTTP/1.1 head that
   * switched and its translated fields.
   */
  readonly tunnelResponse: (
    head: ResponseHead,
    fields: readonly H2Field[],
    kind: 'connect' | 'websocket',
  ) => H2Field[]
  /** RFC 9113 §8.5: how a close, reset or HTTP/2 error on one side of a tunnel reaches the other. */
  readonly tunnelClose: (event: TunnelEvent) => TunnelAction
  /**
   * RFC 9113 §3.4: whether bytes that came instead of the client preface are
   * a connection error (GOAWAY(PROTOCOL_ERROR), then close).
   */
  readonly invalidPreface: (received: Buffer) => boolean
  /** RFC 9113 §5.1.2: whether a new stream is refused (REFUSED_STREAM) with `active` streams open. */
  readonly streamLimit: (active: number, advertised: number) => boolean
  /** RFC 9113 §5.2, §6.9: how many octets of DATA may go out now (never beyond either window). */
  readonly flowControl: (budget: SendBudget) => number
}

/** SETTINGS_MAX_CONCURRENT_STREAMS the reference advertises. */
export const MAX_CONCURRENT_STREAMS = 100
/** SETTINGS_INITIAL_WINDOW_SIZE the reference advertises (modest: 64 KiB). */
export const FRONT_INITIAL_WINDOW = 65_535

/** The conformant front. */
export const referenceH2Steps: H2FrontSteps = Object.freeze({
  serverSettings: () =>
    [
      [SETTING.MAX_CONCURRENT_STREAMS, MAX_CONCURRENT_STREAMS],
      [SETTING.INITIAL_WINDOW_SIZE, FRONT_INITIAL_WINDOW],
      [SETTING.ENABLE_CONNECT_PROTOCOL, 1],
    ] as const,
  validateFieldNames,
  validateFieldValues,
  validatePseudoHeaders,
  validateTrailers,
  rejectConnectionSpecific,
  checkContentLength,
  rejectMalformed: (_problem: string, responseStarted: boolean): Rejection =>
    responseStarted
      ? { code: ERROR_CODE.PROTOCOL_ERROR }
      : { status: 400, code: ERROR_CODE.PROTOCOL_ERROR },
  joinCookies,
  hostFromAuthority,
  // Held until END_STREAM, so a content-length mismatch or bad trailers are
  // seen before anything goes out, unless the client waits for a 100 or the
  // body fills the stream window (it could send no more).
  startForwarding: (held: HeldRequest): boolean =>
    held.ended || held.expectContinue || held.buffered >= held.window,
  buildRequestHead,
  responseFields,
  interimResponse,
  responseMethod: (method: string): string => method,
  bodilessResponse,
  truncatedResponse,
  trailersOut,
  onClientReset: (internal: { resetAndDestroy(): unknown }): void => {
    internal.resetAndDestroy()
  },
  connectRequest,
  extendedConnect,
  websocketHandshakeCheck,
  tunnelResponse,
  tunnelClose,
  invalidPreface: (): boolean => true,
  streamLimit: (active: number, advertised: number): boolean => active >= advertised,
  flowControl: (budget: SendBudget): number =>
    Math.max(
      0,
      Math.min(budget.pending, budget.connectionWindow, budget.streamWindow, budget.maxFrameSize),
    ),
  ...referenceUpstreamSteps,
})

/**
 * A variant of the front: the steps it replaces. It receives the reference
 * steps, so a replacement can call the step it wraps.
 */
export type H2StepVariant = (reference: H2FrontSteps) => Partial<H2FrontSteps>

/** The front with `variant`'s replacements (the reference's own steps when there is none). */
export function h2StepsWith(variant?: H2StepVariant): H2FrontSteps {
  if (variant === undefined) return referenceH2Steps
  return Object.freeze({ ...referenceH2Steps, ...variant(referenceH2Steps) })
}
