// harness/reference/gateway: the reference TLS terminator and TLS originator, as named steps.
export { checkIdentity, matchesDnsId, normaliseName, subjectAltNames } from './identity.js'
export { startTlsOriginator, type TlsOriginatorOptions } from './originator.js'
export { startTlsTerminator, type TlsTerminatorOptions } from './terminator.js'
export {
  gatewayStepsWith,
  originatorSteps,
  terminatorSteps,
  type GatewayVariant,
  type OriginatorSteps,
  type OriginatorVariant,
  type RefusedUpstream,
  type ServedChain,
  type TerminatorSteps,
  type TerminatorVariant,
  type UpstreamConfig,
} from './steps.js'
export type { StartedGateway } from './types.js'
