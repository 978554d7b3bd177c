// harness/reference/proxy: the reference intermediary (conformant forward and reverse proxy).
export { startReferenceProxy } from './proxy-server.js'
export type { ReferenceProxyOptions, StartedProxy } from './types.js'
