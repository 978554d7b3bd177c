/**
 * Evidence is a wire transcript taken where the harness stands: on the client
 * hop (harness client <-> target) and on the origin hop (target <-> harness
 * origin or CONNECT endpoint). The runner attaches it; cases do not build it.
 */
export type Hop = 'client' | 'origin'

/** Direction relative to the target, so both hops read the same way. */
export type Direction = 'to-target' | 'from-target'

export type WireEventType = 'open' | 'data' | 'end' | 'reset' | 'close' | 'error' | 'tls'

export interface WireEvent {
  /** One counter per case across both hops: the order the harness observed. */
  readonly seq: number
  /** Milliseconds since the case started. */
  readonly t: number
  readonly hop: Hop
  /** Connection id, unique within the case: "c1", "c2" on the client hop, "o1" on the origin hop. */
  readonly conn: string
  readonly type: WireEventType
  /** For data, end, reset: who sent it, relative to the target. */
  readonly dir?: Direction
  /** Bytes, base64, for data events (redacted where they carried credentials). */
  readonly base64?: string
  /** A short human note: error text, TLS details, the peer address. */
  readonly detail?: string
}

export interface Evidence {
  readonly events: readonly WireEvent[]
  readonly notes: readonly string[]
}
