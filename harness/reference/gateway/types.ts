import type { Started } from '../../net/started.js'

/** A running reference gateway: where clients reach it. */
export interface StartedGateway extends Started {
  readonly host: string
  readonly port: number
  readonly authority: string
  /** What it logged about refused TLS peers, oldest first (RFC 9110 §4.3.4 asks for the log). */
  readonly log: readonly string[]
}
