// harness/origin: the controllable origin (msw routes, raw responders, connection policies, recording).
export * from './types.js'
export { startOrigin, DEFAULT_BEHAVIOUR } from './origin-server.js'
export { decidePersistence, type PersistenceDecision } from './persistence.js'
export { toFetchRequest } from './fetch-request.js'
export * from './upgrade-endpoints.js'
export { websocketAccept, websocketKey, WEBSOCKET_GUID } from './upgrade-accept.js'
export { SwitchedSession, type ReceivedMessage } from './upgrade-session.js'
export type * from './upgrade-types.js'
