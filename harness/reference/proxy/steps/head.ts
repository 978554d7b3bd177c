/**
 * Steps of the head stage: rewriting the request and response heads (hop-by-hop fields, Via, Host, the request-target, the version, Date, Max-Forwards, loops, trailers).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in stage by stage
export interface HeadSteps {}

export const headSteps: HeadSteps = {}
