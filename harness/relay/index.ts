// harness/relay: relays between a client and an upstream.
export { startBlindRelay } from './blind-relay.js'
export type { BlindRelayOptions, StartedBlindRelay } from './types.js'
