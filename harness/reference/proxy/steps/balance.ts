/**
 * Steps of the balance stage: a reverse proxy with N upstreams and a declared
 * balancer profile (catalog §12). Choosing the upstream, passive accounting,
 * retrying elsewhere, the fate of an abandoned upstream connection, and the
 * active checks' initial state, request and verdict; the logic and each
 * step's reference implementation live in harness/reference/balancer/steps.ts.
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */
export { balanceSteps, type BalanceSteps } from '../../balancer/steps.js'
