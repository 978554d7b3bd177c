// harness/reference/proxy: the reference intermediary (conformant forward and reverse proxy), and the reference balancer.
export { startReferenceBalancer, type ReferenceBalancerOptions } from './balancer-server.js'
export { startReferenceProxy } from './proxy-server.js'
export type { GatewayHandler } from './client-session.js'
export type { ClientSide } from './forward-request.js'
export type { ReferenceBalancerConfig, ReferenceProxyOptions, StartedProxy } from './types.js'
