/**
 * Steps of the persistence stage: the client session and upstream reuse (pipelining, persistence decisions, retries, the upstream pool, interim responses).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in stage by stage
export interface PersistenceSteps {}

export const persistenceSteps: PersistenceSteps = {}
