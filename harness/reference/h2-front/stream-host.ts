/** What a stream of the h2 front needs from its connection (session.ts). */
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { Outbound } from './outbound.js'
import type { H2FrontSteps } from './steps/index.js'
import type { FrontMode, H2Field, InternalTarget } from './types.js'

export interface StreamHost {
  readonly steps: H2FrontSteps
  readonly out: Outbound
  readonly mode: FrontMode
  readonly internal: InternalTarget
  /** Every internal connection, destroyed when the front stops. */
  readonly tracker: ConnectionTracker
  /** The stream's receive window the front advertised. */
  readonly window: number
  /** `n` flow-controlled octets of the stream were consumed: WINDOW_UPDATE the stream. */
  consumed(streamId: number, n: number): void
  /** The stream is over for the front: it leaves the table. */
  finished(streamId: number): void
}

/** A stream the session routes frames to once its request head was accepted. */
export interface FrontStream {
  /** A DATA frame: its payload, its flow-controlled length (padding included), END_STREAM. */
  onData(data: Buffer, flowLength: number, endStream: boolean): void
  /** A later header block on the stream (trailers, or a malformed second HEADERS). */
  onHeaders(fields: readonly H2Field[], endStream: boolean): void
  /** The client reset the stream. */
  onClientReset(): void
  /** The connection is going away at once (connection error, close): abort everything. */
  abort(): void
}
