// proxyspec/harness: the pieces a case drives or observes, for use in your own tests.
export * from './wire/index.js'
export * from './client/index.js'
export * from './origin/index.js'
export * from './backends/index.js'
export * from './tcp/index.js'
export * from './tls/index.js'
export * from './reference/proxy/index.js'
export * from './reference/gateway/index.js'
export * from './relay/index.js'
export * from './reference/blind-relay/index.js'
export { Deadline, raceTimeout, isTimeout, type TimeoutValue } from './net/deadline.js'
export { listenLoopback, authorityOf } from './net/loopback.js'
export { Scope, type Started } from './net/started.js'
export { TranscriptRecorder, toWireEvents, redactCredentials } from './net/transcript.js'
export { HarnessError, isHarnessError, type HarnessErrorCode } from './net/errors.js'
export { TokenSource, tokenOf } from './net/token.js'
export {
  startPeer,
  PEERS,
  LOCAL_PEER_IMAGE,
  type PeerName,
  type StartedPeer,
  type PeerOptions,
} from './peers/index.js'
