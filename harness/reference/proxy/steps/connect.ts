/**
 * Steps of the connect stage: CONNECT and proxy authentication (parsing and checking the authority, opening and closing tunnels, the next hop, 407).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in stage by stage
export interface ConnectSteps {}

export const connectSteps: ConnectSteps = {}
