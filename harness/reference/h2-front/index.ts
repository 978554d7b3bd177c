// harness/reference/h2-front: the reference HTTP/2 front (RFC 9113) of the reference proxy, as named steps.
export { H2Front, PREFACE_START, type H2FrontOptions } from './front.js'
export {
  FRONT_INITIAL_WINDOW,
  MAX_CONCURRENT_STREAMS,
  h2StepsWith,
  referenceH2Steps,
  type H2FrontSteps,
  type H2StepVariant,
  type HeldRequest,
  type Rejection,
  type SendBudget,
} from './steps/index.js'
export type { InterimAction } from './response-rules.js'
export type { TunnelAction, TunnelEvent, WebSocketHandshake } from './connect-rules.js'
export type { OutgoingRequest } from './request-head.js'
export type {
  FrontMode,
  H1Framing,
  H2Field,
  H2RequestHead,
  Problem,
  RequestPseudo,
} from './types.js'
export type { H2UpstreamSteps, HeldResponse } from './steps/upstream.js'
export { UPSTREAM_HOLD_BYTES } from './steps/upstream.js'
export type { UpstreamBlockContext, UpstreamResetAction } from './upstream-rules.js'
export {
  MAX_CONNECTIONS as MAX_UPSTREAM_CONNECTIONS,
  type UpstreamAddress,
} from './upstream-pool.js'
