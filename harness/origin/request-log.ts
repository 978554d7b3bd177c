/**
 * What the origin saw: every request and every connection, with waits that
 * resolve on the event that proves it (a request arrived, a connection
 * closed) under a deadline. Requests are queued per token, so a case that
 * subscribes after its request arrived still gets it.
 */
import { isTimeout, type TimeoutValue } from '../net/deadline.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import type { OriginConnectionRecord, OriginRequest, OriginStray } from './types.js'

interface MutableConnection {
  id: string
  openedAt: number
  closedBy?: 'peer' | 'origin'
  closed: boolean
  requests: number
}

/** Requests without a case token kept for requests(); older ones are dropped. */
const MAX_UNOWNED = 1000

/** Strays kept for strays(); older ones are dropped (strayCount still counts them). */
const MAX_STRAYS = 1000

/** The harness's own request before a run (harness/engine/target/preflight.ts): expected, never a stray. */
const PREFLIGHT =
  /^\/proxyspec-preflight(?:[?#]|$)|^https?:\/\/[^/]+\/proxyspec-preflight(?:[?#]|$)/

export class RequestLog {
  readonly #requests: OriginRequest[] = []
  readonly #byToken = new Map<string, OriginRequest[]>()
  /** How many of a token's requests nextRequest has handed out. */
  readonly #taken = new Map<string, number>()
  readonly #connections = new Map<string, MutableConnection>()
  readonly #changes = new ChangeSignal()
  #sequence = 0
  /** The token of the last request with one, per connection (kept after forget: strays come late). */
  readonly #lastToken = new Map<string, string>()
  readonly #strays: OriginStray[] = []
  #strayCount = 0

  openConnection(id: string): void {
    this.#connections.set(id, { id, openedAt: performance.now(), closed: false, requests: 0 })
    this.#changes.notify()
  }

  /** The first side to end or reset a connection; later calls change nothing. */
  closing(id: string, by: 'peer' | 'origin'): void {
    const record = this.#connections.get(id)
    if (record !== undefined && record.closedBy === undefined) record.closedBy = by
  }

  closed(id: string): void {
    const record = this.#connections.get(id)
    if (record === undefined) return
    record.closedBy ??= 'peer'
    record.closed = true
    this.#changes.notify()
  }

  add(entry: Omit<OriginRequest, 'id' | 'connSeq'>): OriginRequest {
    const connection = this.#connections.get(entry.conn)
    const connSeq = connection === undefined ? 1 : (connection.requests += 1)
    this.#sequence += 1
    const request: OriginRequest = { ...entry, id: this.#sequence, connSeq }
    this.#requests.push(request)
    // Requests no case owns (preflights, a benchmark's load) are never forgotten
    // by token: keep the latest few so a long run stays bounded.
    if (request.token === undefined && this.#requests.length > MAX_UNOWNED)
      this.#dropOldestUnowned()
    if (request.token === undefined) {
      if (!PREFLIGHT.test(request.message.head.target)) {
        const line = request.message.head.raw.toString('latin1').split('\r\n', 1)[0] ?? ''
        this.#stray('request', request.conn, request.at, line)
      }
    } else {
      this.#lastToken.set(request.conn, request.token)
    }
    if (request.token !== undefined) {
      let list = this.#byToken.get(request.token)
      if (list === undefined) {
        list = []
        this.#byToken.set(request.token, list)
      }
      list.push(request)
    }
    this.#changes.notify()
    return request
  }

  /** The origin could not parse what arrived on `conn`. */
  parseError(conn: string, detail: string): void {
    this.#stray('parse-error', conn, performance.now(), detail)
    this.#changes.notify()
  }

  #stray(kind: OriginStray['kind'], conn: string, at: number, detail: string): void {
    const owner = this.#lastToken.get(conn)
    this.#strays.push({ kind, conn, at, detail, ...(owner === undefined ? {} : { owner }) })
    this.#strayCount += 1
    if (this.#strays.length > MAX_STRAYS) this.#strays.shift()
  }

  strays(): readonly OriginStray[] {
    return [...this.#strays]
  }

  get strayCount(): number {
    return this.#strayCount
  }

  #dropOldestUnowned(): void {
    const index = this.#requests.findIndex((r) => r.token === undefined)
    if (index >= 0) this.#requests.splice(index, 1)
  }

  requests(token?: string): readonly OriginRequest[] {
    if (token === undefined) return [...this.#requests]
    return [...(this.#byToken.get(token) ?? [])]
  }

  async nextRequest(token: string, timeoutMs: number): Promise<OriginRequest | TimeoutValue> {
    const found = await this.#changes.until(
      `the next request carrying ${token} at the origin`,
      () => {
        const taken = this.#taken.get(token) ?? 0
        return this.#byToken.get(token)?.[taken]
      },
      timeoutMs,
    )
    if (!isTimeout(found)) this.#taken.set(token, (this.#taken.get(token) ?? 0) + 1)
    return found
  }

  /** Drops what a finished case left, so a long run does not keep every request. */
  forget(token: string): void {
    if (!this.#byToken.has(token)) return
    const kept = this.#requests.filter((request) => request.token !== token)
    this.#requests.length = 0
    this.#requests.push(...kept)
    this.#byToken.delete(token)
    this.#taken.delete(token)
  }

  get connections(): readonly OriginConnectionRecord[] {
    return [...this.#connections.values()].map(({ id, openedAt, closedBy, closed, requests }) => ({
      id,
      openedAt,
      requests,
      ...(closed && closedBy !== undefined ? { closedBy } : {}),
    }))
  }

  connectionClosed(id: string, timeoutMs: number): Promise<'peer' | 'origin' | TimeoutValue> {
    return this.#changes.until(
      `origin connection ${id} to close`,
      () => {
        const record = this.#connections.get(id)
        return record?.closed === true ? (record.closedBy ?? 'peer') : undefined
      },
      timeoutMs,
    )
  }
}
