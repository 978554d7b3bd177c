import type { Direction, Hop, WireEvent, WireEventType } from './wire-event.js'

/** An event as recorded, with an absolute clock; turned into evidence when a case ends. */
export interface RecordedWireEvent {
  /** performance.now() when the harness observed it. */
  readonly at: number
  readonly hop: Hop
  readonly conn: string
  readonly type: WireEventType
  readonly dir?: Direction
  readonly data?: Buffer
  readonly detail?: string
}

/** One connection's events: the first half of the cap as it came, then a rolling tail. */
interface ConnLog {
  readonly head: RecordedWireEvent[]
  headBytes: number
  readonly tail: RecordedWireEvent[]
  tailBytes: number
  /** Data bytes dropped between head and tail, and when the first of them came. */
  omitted: number
  omittedAt: number
  /** When the connection closed (its 'close' event), if it did. */
  closedAt?: number
}

/**
 * Collects wire events from every socket a case (or a shared server) touches.
 * Data is capped per connection, so an endless body or a long run cannot grow
 * evidence without bound: the first half of the cap is kept as it came, then
 * the last half (a reply after a huge request stays visible), with one marker
 * event in between saying how many bytes were left out.
 */
export class TranscriptRecorder {
  readonly #byConn = new Map<string, ConnLog>()
  readonly #half: number

  constructor(maxBytesPerConn = 64 * 1024) {
    this.#half = Math.max(1, Math.floor(maxBytesPerConn / 2))
  }

  record(event: Omit<RecordedWireEvent, 'at'> & { at?: number }): void {
    const at = event.at ?? performance.now()
    const log = this.#log(event.conn)
    if (event.type === 'close') log.closedAt = at
    const data = event.data
    if (data === undefined) {
      ;(log.omitted === 0 && log.tail.length === 0 ? log.head : log.tail).push({ ...event, at })
      return
    }
    let rest = data
    const room = this.#half - log.headBytes
    if (room > 0 && log.omitted === 0 && log.tail.length === 0) {
      const kept = rest.subarray(0, room)
      log.head.push({ ...event, at, data: Buffer.from(kept) })
      log.headBytes += kept.length
      rest = rest.subarray(kept.length)
    }
    if (rest.length === 0) return
    // Only the last half of the cap can survive: make room for it, count the
    // rest as left out now, and copy just what is kept (a flood of 64 KiB
    // reads then costs 32 KiB of copies each, and never pins a socket chunk).
    const kept = Math.min(rest.length, this.#half)
    this.#trimTail(log, this.#half - kept)
    if (rest.length > kept) {
      if (log.omitted === 0) log.omittedAt = at
      log.omitted += rest.length - kept
    }
    log.tail.push({ ...event, at, data: Buffer.from(rest.subarray(rest.length - kept)) })
    log.tailBytes += kept
  }

  /** Drops the oldest tail bytes beyond `limit`, counting them. */
  #trimTail(log: ConnLog, limit: number): void {
    while (log.tailBytes > limit) {
      const index = log.tail.findIndex((e) => e.data !== undefined)
      const first = log.tail[index]
      if (first?.data === undefined) return
      if (log.omitted === 0) log.omittedAt = first.at
      const excess = log.tailBytes - limit
      if (first.data.length <= excess) {
        log.tail.splice(index, 1)
        log.omitted += first.data.length
        log.tailBytes -= first.data.length
      } else {
        log.tail[index] = { ...first, data: Buffer.from(first.data.subarray(excess)) }
        log.omitted += excess
        log.tailBytes -= excess
      }
    }
  }

  #log(conn: string): ConnLog {
    let log = this.#byConn.get(conn)
    if (log === undefined) {
      log = { head: [], headBytes: 0, tail: [], tailBytes: 0, omitted: 0, omittedAt: 0 }
      this.#byConn.set(conn, log)
    }
    return log
  }

  /** A connection's kept events, with the marker for what was left out. */
  #eventsOf(conn: string, log: ConnLog): RecordedWireEvent[] {
    if (log.omitted === 0) return [...log.head, ...log.tail]
    const hop = log.head[0]?.hop ?? log.tail[0]?.hop ?? 'client'
    const marker: RecordedWireEvent = {
      at: log.omittedAt,
      hop,
      conn,
      type: 'error',
      detail: `transcript: ${log.omitted} bytes of this connection left out here (first and last ${this.#half} bytes kept)`,
    }
    return [...log.head, marker, ...log.tail]
  }

  /**
   * Drops the connections that closed before `at`: a recorder shared by a
   * whole run (the origin's) would otherwise hold every connection of every
   * case until the run ends. The caller passes the start of the oldest case
   * still running, whose evidence cannot reach back past it.
   */
  forgetClosedBefore(at: number): void {
    for (const [conn, log] of this.#byConn) {
      if (log.closedAt !== undefined && log.closedAt < at) this.#byConn.delete(conn)
    }
  }

  /** Counts bytes an earlier cap left out of `conn` (re-capping a transcript keeps one marker). */
  leftOut(conn: string, bytes: number, at: number): void {
    const log = this.#log(conn)
    if (log.omitted === 0 || at < log.omittedAt) log.omittedAt = at
    log.omitted += bytes
  }

  data(hop: Hop, conn: string, dir: Direction, data: Buffer): void {
    if (data.length > 0) this.record({ hop, conn, type: 'data', dir, data })
  }

  events(): readonly RecordedWireEvent[] {
    return this.eventsFor(this.#byConn.keys())
  }

  /** The events of the given connections only (for the evidence of one case on a shared server). */
  eventsFor(conns: Iterable<string>): RecordedWireEvent[] {
    const out: RecordedWireEvent[] = []
    for (const conn of new Set(conns)) {
      const log = this.#byConn.get(conn)
      if (log !== undefined) out.push(...this.#eventsOf(conn, log))
    }
    return out
  }
}

const CREDENTIAL_FIELD = /^((?:proxy-)?authorization[ \t]*:[ \t]*)(\S+)?([ \t]*)([^\r\n]*)/gim

/** Hides credentials but keeps the scheme, so the evidence still shows what kind was sent. */
export function redactCredentials(text: string): string {
  return text.replace(
    CREDENTIAL_FIELD,
    (_all, prefix: string, scheme: string | undefined, space: string, rest: string) =>
      rest.length > 0
        ? `${prefix}${scheme ?? ''}${space}[redacted ${rest.length} bytes]`
        : `${prefix}[redacted ${(scheme ?? '').length} bytes]`,
  )
}

/**
 * Orders events by time, joins consecutive data of one connection and direction
 * (so a one-byte-fragmented head reads as one), redacts credentials, and numbers
 * them from 1 relative to `startedAt`.
 */
export function toWireEvents(events: readonly RecordedWireEvent[], startedAt: number): WireEvent[] {
  const sorted = [...events].sort((a, b) => a.at - b.at)
  const merged: RecordedWireEvent[] = []
  for (const event of sorted) {
    const last = merged[merged.length - 1]
    if (
      last !== undefined &&
      event.type === 'data' &&
      last.type === 'data' &&
      last.conn === event.conn &&
      last.hop === event.hop &&
      last.dir === event.dir &&
      last.data !== undefined &&
      event.data !== undefined
    ) {
      merged[merged.length - 1] = { ...last, data: Buffer.concat([last.data, event.data]) }
    } else {
      merged.push(event)
    }
  }
  return merged.map((event, index) => {
    const out: { -readonly [K in keyof WireEvent]: WireEvent[K] } = {
      seq: index + 1,
      t: Math.max(0, Math.round((event.at - startedAt) * 10) / 10),
      hop: event.hop,
      conn: event.conn,
      type: event.type,
    }
    if (event.dir !== undefined) out.dir = event.dir
    if (event.data !== undefined) {
      out.base64 = Buffer.from(redactCredentials(event.data.toString('latin1')), 'latin1').toString(
        'base64',
      )
    }
    if (event.detail !== undefined) out.detail = event.detail
    return out
  })
}

/** Evidence bytes a case keeps per connection (the first and last half), whatever hop it is on. */
export const EVIDENCE_BYTES_PER_CONN = 4 * 1024
/** Connections a case keeps per hop: the first ones and the last EVIDENCE_LAST_CONNS. */
export const EVIDENCE_CONNS_PER_HOP = 30
const EVIDENCE_LAST_CONNS = 10
/** The marker a TranscriptRecorder leaves (eventsOf), read back when a transcript is capped again. */
const EARLIER_MARKER = /^transcript: (\d+) bytes of this connection left out here/

/**
 * A case's evidence, bounded: each connection's data capped to its first and
 * last bytes (TranscriptRecorder's rule, with its marker), and on a hop where
 * the case opened hundreds of connections (a balancing case's spread), the
 * first and last ones kept with one marker counting those left out. The
 * verdict never reads evidence; a report of 700 cases must stay small enough
 * to open (issue 16: 42 MB of JSON, 60 MB of HTML before).
 */
export function boundEvidence(
  events: readonly RecordedWireEvent[],
  maxBytesPerConn = EVIDENCE_BYTES_PER_CONN,
  maxConnsPerHop = EVIDENCE_CONNS_PER_HOP,
): RecordedWireEvent[] {
  const sorted = [...events].sort((a, b) => a.at - b.at)
  const recorder = new TranscriptRecorder(maxBytesPerConn)
  const order = new Map<Hop, string[]>()
  const seen = new Set<string>()
  for (const event of sorted) {
    const earlier = event.type === 'error' ? EARLIER_MARKER.exec(event.detail ?? '') : null
    if (earlier !== null) recorder.leftOut(event.conn, Number(earlier[1]), event.at)
    else recorder.record(event)
    const key = `${event.hop} ${event.conn}`
    if (seen.has(key)) continue
    seen.add(key)
    const conns = order.get(event.hop) ?? []
    conns.push(event.conn)
    order.set(event.hop, conns)
  }
  const kept: string[] = []
  const markers: RecordedWireEvent[] = []
  for (const [hop, conns] of order) {
    if (conns.length <= maxConnsPerHop) {
      kept.push(...conns)
      continue
    }
    const last = Math.min(EVIDENCE_LAST_CONNS, Math.floor(maxConnsPerHop / 3))
    const first = maxConnsPerHop - last
    const left = conns.slice(first, conns.length - last)
    kept.push(...conns.slice(0, first), ...conns.slice(conns.length - last))
    const omitted = new Set(left)
    let bytes = 0
    let at = Number.POSITIVE_INFINITY
    for (const event of sorted) {
      if (event.hop !== hop || !omitted.has(event.conn)) continue
      bytes += event.data?.length ?? 0
      at = Math.min(at, event.at)
    }
    markers.push({
      at,
      hop,
      conn: left[0] ?? '',
      type: 'error',
      detail: `evidence: ${left.length} connections of this hop left out here (${left[0] ?? ''} … ${left[left.length - 1] ?? ''}, ${bytes} bytes); the first ${first} and the last ${last} are kept`,
    })
  }
  return [...recorder.eventsFor(kept), ...markers]
}
