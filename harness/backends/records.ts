/**
 * The mutable side of what a backend records. Cases hold the records
 * themselves, so what they read is the current state, not a snapshot.
 */
import { createHash, type Hash } from 'node:crypto'
import type { BackendConnection, BackendRequest, RequestFacts, RequestOutcome } from './types.js'

export type { RequestFacts }

/**
 * A request as it is being recorded: its facts as read, copied onto the record
 * (cases read `request.method`), and the body and answer as they go. The
 * interface of the same name gives the class the facts' fields, which the
 * constructor assigns, so they are written once, in RequestFacts.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface LiveRequest extends RequestFacts {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LiveRequest implements BackendRequest {
  bodyLength = 0
  complete = false
  completedAt: number | undefined
  outcome: RequestOutcome | undefined
  status: number | undefined
  readonly #hash: Hash = createHash('sha256')
  #digest: string | undefined

  constructor(facts: RequestFacts) {
    Object.assign(this, facts)
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
