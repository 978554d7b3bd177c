/**
 * The mutable side of what a backend records. Cases hold the records
 * themselves, so what they read is the current state, not a snapshot.
 */
import { createHash, type Hash } from 'node:crypto'
import type { HeaderField } from '../wire/types.js'
import type { BackendConnection, BackendRequest, RequestOutcome } from './types.js'

export interface RequestFacts {
  readonly seq: number
  readonly id: string | undefined
  readonly idInPath: string | undefined
  readonly idInHeader: string | undefined
  readonly conn: string
  readonly connSeq: number
  readonly reused: boolean
  readonly afterClose: boolean
  readonly method: string
  readonly target: string
  readonly version: string
  readonly host: string | undefined
  readonly headers: readonly HeaderField[]
  readonly arrivedAt: number
  readonly inFlightOnArrival: number
}

export class LiveRequest implements BackendRequest {
  readonly seq: number
  readonly id: string | undefined
  readonly idInPath: string | undefined
  readonly idInHeader: string | undefined
  readonly conn: string
  readonly connSeq: number
  readonly reused: boolean
  readonly afterClose: boolean
  readonly method: string
  readonly target: string
  readonly version: string
  readonly host: string | undefined
  readonly headers: readonly HeaderField[]
  readonly arrivedAt: number
  readonly inFlightOnArrival: number
  bodyLength = 0
  complete = false
  completedAt: number | undefined
  outcome: RequestOutcome | undefined
  status: number | undefined
  readonly #hash: Hash = createHash('sha256')
  #digest: string | undefined

  constructor(facts: RequestFacts) {
    this.seq = facts.seq
    this.id = facts.id
    this.idInPath = facts.idInPath
    this.idInHeader = facts.idInHeader
    this.conn = facts.conn
    this.connSeq = facts.connSeq
    this.reused = facts.reused
    this.afterClose = facts.afterClose
    this.method = facts.method
    this.target = facts.target
    this.version = facts.version
    this.host = facts.host
    this.headers = facts.headers
    this.arrivedAt = facts.arrivedAt
    this.inFlightOnArrival = facts.inFlightOnArrival
  }

  get bodySha256(): string {
    this.#digest ??= this.#hash.copy().digest('hex')
    return this.#digest
  }

  addBody(data: Buffer): void {
    this.#hash.update(data)
    this.bodyLength += data.length
    this.#digest = undefined
  }

  /** Ends the answer; false when it had ended already. */
  settle(outcome: RequestOutcome): boolean {
    if (this.outcome !== undefined) return false
    this.outcome = outcome
    this.completedAt = performance.now()
    return true
  }
}

export class LiveConnection implements BackendConnection {
  readonly id: string
  readonly openedAt = performance.now()
  bytesIn = 0
  requests = 0
  closedAt: number | undefined
  closedBy: 'peer' | 'backend' | undefined
  how: 'fin' | 'reset' | undefined

  constructor(id: string) {
    this.id = id
  }

  /** The first side to close is kept. */
  closing(by: 'peer' | 'backend', how: 'fin' | 'reset'): void {
    if (this.closedBy !== undefined) return
    this.closedBy = by
    this.how = how
  }
}
