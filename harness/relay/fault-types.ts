import type { Started } from '../net/started.js'

/**
 * What a direction of the fault relay does once its trigger is reached:
 * - 'reset': RST on both sockets at once (a middlebox dropping the flow);
 * - 'half-close': FIN toward the receiver, nothing more passes this way, the other way goes on;
 * - 'black-hole': nothing more passes this way, and nothing says so (no FIN, no RST).
 */
export type FaultAction = 'reset' | 'half-close' | 'black-hole'

/** The faults of one direction of a relayed connection. Every field is optional: none, a plain relay. */
export interface FaultMode {
  /** Delay before each received chunk is passed on, in ms. */
  readonly latencyMs?: number
  /**
   * Pass data on in writes of at most this many bytes (1: one byte per write),
   * each write waiting for the previous one to leave, with Nagle off: the
   * receiver gets the bytes in as many reads as TCP allows.
   */
  readonly fragmentBytes?: number
  /** Fragment only the first this-many bytes of the direction; the rest passes in whole chunks. @default Infinity */
  readonly fragmentFirstBytes?: number
  /** The fault, once `afterBytes` bytes have passed this way (0: as soon as the connection opens). */
  readonly fault?: { readonly action: FaultAction; readonly afterBytes?: number }
}

/** The faults of both directions; applies to connections accepted after it is set. */
export interface FaultPlan {
  /** client → upstream */
  readonly toUpstream?: FaultMode
  /** upstream → client */
  readonly toClient?: FaultMode
}

export interface FaultRelayOptions {
  /** Where the relay connects for every accepted connection. Loopback only. */
  readonly upstream: { readonly host: string; readonly port: number }
  /** @default {}: a plain byte-for-byte relay */
  readonly plan?: FaultPlan
}

export interface StartedFaultRelay extends Started {
  readonly host: string
  readonly port: number
  /** "127.0.0.1:port" */
  readonly authority: string
  readonly url: string
  /** The plan for connections accepted from now on (switch per test). */
  setPlan(plan: FaultPlan): void
  readonly plan: FaultPlan
  /** Connections accepted so far. */
  readonly accepted: number
}
