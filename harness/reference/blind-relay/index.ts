// harness/reference/blind-relay: the reference tunnel (the keep-alive hang of a relay that
// does not parse HTTP, HTTP: The Definitive Guide ch. 8).
export { startBlindRelay } from './blind-relay.js'
export type { BlindRelayOptions, StartedBlindRelay } from '../../relay/types.js'
