/**
 * One event of a wire transcript, as the harness observes it on a hop. The
 * network components record these (net/transcript.ts); the case model's
 * Evidence (harness/engine/model/evidence.ts) is a list of them.
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
