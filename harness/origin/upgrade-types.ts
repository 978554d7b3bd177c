/**
 * The origin's Upgrade endpoints (RFC 9110 §7.8, RFC 6455 §4.2.2): what an
 * endpoint answers to an upgrade request, and what the origin hands it once it
 * has switched. The origin itself only moves bytes; endpoints decide.
 */
import type { Duplex } from 'node:stream'
import type { TimeoutValue } from '../net/deadline.js'
import type { OriginRequest } from './types.js'

/** How an endpoint answers one upgrade request. */
export type UpgradeAnswer =
  | {
      /** Write `head` (a 101, or whatever a broken origin would send); the endpoint's `switched` speaks on. */
      readonly kind: 'switch'
      readonly head: Buffer
      /** Bytes written right after the head, in the same write (UPG-11: a frame straight away). */
      readonly first?: Buffer
    }
  | {
      /** A refusal (200, 426, ...): these bytes, then the connection stays HTTP unless `close`. */
      readonly kind: 'refuse'
      readonly bytes: Buffer
      readonly close?: boolean
    }

/** What the origin lets an endpoint see of the connection before it answers. */
export interface UpgradeWaiting {
  /** Bytes received after the upgrade request and not parsed (they arrived before any answer). */
  readonly early: number
  /** Resolves when bytes follow the upgrade request, or with a TimeoutValue after `ms`. */
  bytesAfterRequest(ms: number): Promise<true | TimeoutValue>
}

/** The connection after the switch, as the endpoint's protocol sees it. */
export interface SwitchedConnection {
  readonly request: OriginRequest
  /** Origin connection id ("o3"). */
  readonly conn: string
  /** Bytes after the request head that had arrived before the origin wrote its answer (UPG-06). */
  readonly early: Buffer
  /** The new protocol's byte stream: reads what the target sends, writes (recorded) toward it. */
  readonly stream: Duplex
}

/** An Upgrade endpoint: answers, optionally after waiting, and takes the switched connection. */
export interface UpgradeEndpoint {
  answer(request: OriginRequest, waiting: UpgradeWaiting): UpgradeAnswer | Promise<UpgradeAnswer>
  /** Called once the head of a 'switch' answer is written. */
  switched?(connection: SwitchedConnection): void
}
