// harness/relay: relays between a client and an upstream.
export { startBlindRelay } from './blind-relay.js'
export type { BlindRelayOptions, StartedBlindRelay } from './types.js'
export { startFaultRelay } from './fault-relay.js'
export { ONE_BYTE_PLAN, throughFaultRelay } from './fault-target.js'
export type {
  FaultAction,
  FaultMode,
  FaultPlan,
  FaultRelayOptions,
  StartedFaultRelay,
} from './fault-types.js'
