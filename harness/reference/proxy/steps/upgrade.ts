/**
 * Steps of the upgrade stage: protocol switching (Upgrade offers, 101 handling, WebSocket frames after the switch).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in stage by stage
export interface UpgradeSteps {}

export const upgradeSteps: UpgradeSteps = {}
