// harness/backends: N controllable origins at once, for load-balancer cases (catalog §12.2.1).
export { startBackends } from './start-backends.js'
export {
  LB_BACKEND_FIELD,
  LB_ID_FIELD,
  idInHeaders,
  idInTarget,
  lbRequest,
  parseLbResponse,
  type LbRequestOptions,
  type LbResponse,
} from './lb-id.js'
export type {
  Backend,
  BackendConnection,
  BackendRequest,
  BackendsOptions,
  HealthAnswer,
  HealthCheck,
  RequestOutcome,
  StartedBackends,
  Within,
} from './types.js'
