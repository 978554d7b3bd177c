/**
 * Whether the origin keeps a connection open after a response, and what its
 * Connection field says about it (RFC 9112 §9.3, §9.6; App. C.2.2 for 1.0).
 * The origin is an instrument: 'close' and 'ignore-close' exist so cases can
 * put a target in front of an origin that misbehaves on purpose.
 */
import { connectionOptions } from '../wire/fields.js'
import type { RequestHead } from '../wire/types.js'
import type { OriginFraming, Persistence } from './types.js'

export interface PersistenceDecision {
  /** Keep reading requests on this connection after the response. */
  readonly keepOpen: boolean
  /** Connection option to add to the response ('close' or 'keep-alive'), if any. */
  readonly connectionToken: 'close' | 'keep-alive' | undefined
}

export function decidePersistence(
  request: RequestHead,
  policy: {
    readonly persistence: Persistence
    readonly framing: OriginFraming
    readonly version: string
  },
): PersistenceDecision {
  const options = connectionOptions(request.headers)
  if (policy.persistence === 'ignore-close') {
    // Holds the connection whatever was asked; says nothing about it.
    return { keepOpen: true, connectionToken: undefined }
  }
  // A close-delimited body ends only when the connection does (RFC 9112 §6.3 rule 8).
  if (policy.persistence === 'close' || policy.framing === 'close-delimited') {
    return { keepOpen: false, connectionToken: 'close' }
  }
  const http10 = request.version === 'HTTP/1.0' || policy.version === 'HTTP/1.0'
  if (options.includes('close')) return { keepOpen: false, connectionToken: 'close' }
  if (http10) {
    // A 1.0 exchange persists only when the client asked for keep-alive (App. C.2.2).
    return options.includes('keep-alive')
      ? { keepOpen: true, connectionToken: 'keep-alive' }
      : { keepOpen: false, connectionToken: policy.version === 'HTTP/1.0' ? undefined : 'close' }
  }
  return { keepOpen: true, connectionToken: undefined }
}
