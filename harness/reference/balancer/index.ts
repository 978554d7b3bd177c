// harness/reference/balancer: the balancing logic of the reference proxy in
// reverse mode with N upstreams (policies, passive and active checks, backups);
// the proxy runs it through its balance steps. startReferenceBalancer lives in
// harness/reference/proxy (this folder may not import the proxy: no folder cycle).
export { Balancer, type BalancerOptions, type Choice, type UpstreamOutcome } from './balancer.js'
export type { Backend, BackendConfig } from './backend.js'
export type { CheckOutcome } from './health-check.js'
export type { BalanceRequest } from './policy.js'
export { seededRandom, type RandomSource } from './rng.js'
export { balanceSteps, type BalanceSteps, type QueueLimits, type RetryAttempt } from './steps.js'
export { requestCookie, stickyToken, type StickyChoice } from './sticky.js'
