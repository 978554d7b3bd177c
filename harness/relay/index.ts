// harness/relay: the fault-injecting relay between a client and an upstream (the blind
// relay, a reference intermediary, is in harness/reference/blind-relay).
export { startFaultRelay } from './fault-relay.js'
export type {
  FaultAction,
  FaultMode,
  FaultPlan,
  FaultRelayOptions,
  StartedFaultRelay,
} from './fault-types.js'
