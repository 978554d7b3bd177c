/**
 * Steps of the framing stage: parsing messages and framing bodies (the request and response parsers, Content-Length and Transfer-Encoding, chunked coding, bodiless responses).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in stage by stage
export interface FramingSteps {}

export const framingSteps: FramingSteps = {}
