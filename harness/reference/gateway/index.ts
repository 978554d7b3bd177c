// harness/reference/gateway: the reference TLS terminator and TLS originator, and their seeded defects.
export type { GatewayDefect, OriginatorDefect, TerminatorDefect } from './defects.js'
export { checkIdentity, matchesDnsId } from './identity.js'
export { startTlsOriginator, type TlsOriginatorOptions } from './originator.js'
export { startTlsTerminator, type TlsTerminatorOptions } from './terminator.js'
export type { StartedGateway } from './types.js'
export { startInterceptingProxy, type InterceptingProxyOptions } from './intercepting-proxy.js'
